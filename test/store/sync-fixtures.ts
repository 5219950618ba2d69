import type { JsonObject } from '../../src/sdk/index.js';
import type {
  ClaimedLease,
  NewConflict,
  NewLink,
  NewStagedChange,
  StateStore,
  SyncSide,
} from '../../src/store/index.js';
import { at } from './store-fixtures.js';

export const LEASE_MS = 60_000;
export const OWNER = 'box-1:4242:aaaa';

/** Claims the sync's lease (a sync run's lease is keyed by the sync's name) at `ms` after T0. */
export function claimSync(store: StateStore, sync: string, ms = 0, owner = OWNER): Promise<ClaimedLease> {
  return store.claimLease(sync, owner, at(ms + LEASE_MS), { at: at(ms) });
}

/** Another owner claims the sync after `lost` lapsed: `lost` is lost. */
export function takeOver(store: StateStore, lost: ClaimedLease): Promise<ClaimedLease> {
  return claimSync(store, lost.flow, 2 * LEASE_MS, 'box-2:7:bbbb');
}

export function change(side: SyncSide, rid: string, overrides: Partial<NewStagedChange> = {}): NewStagedChange {
  const values: JsonObject = { email: `${rid}@example.com`, name: `Name ${rid}` };
  return {
    sync: 'crm',
    side,
    rid,
    matchKey: `${rid}@example.com`,
    hash: `h-${side}-${rid}`,
    values,
    changedAt: '2026-01-01T00:00:00Z',
    deleted: false,
    ...overrides,
  };
}

export function link(aId: string | null, bId: string | null, overrides: Partial<NewLink> = {}): NewLink {
  return {
    sync: 'crm',
    aId,
    bId,
    status: 'linked',
    aHash: aId === null ? null : `ha-${aId}`,
    bHash: bId === null ? null : `hb-${bId}`,
    baseA: { email: `${aId}@example.com`, name: `Person ${aId}` },
    baseB: { email_address: `${bId}@example.com`, full_name: `Person ${bId}` },
    aChangedAt: '2026-01-01T00:00:00Z',
    bChangedAt: 17,
    intent: null,
    deletedOn: null,
    error: null,
    failures: 0,
    syncedAt: at(500),
    ...overrides,
  };
}

export function fieldConflict(linkId: number, field: string, overrides: Partial<NewConflict> = {}): NewConflict {
  return {
    sync: 'crm',
    kind: 'field',
    linkId,
    field,
    aId: `a${linkId}`,
    bId: `b${linkId}`,
    base: 'old',
    aValue: 'from a',
    bValue: 'from b',
    aChangedAt: '2026-01-02T00:00:00Z',
    bChangedAt: 99,
    candidates: null,
    runId: 1,
    ...overrides,
  };
}
