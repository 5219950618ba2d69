import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JsonObject } from '../../src/sdk/index.js';
import { type NewConflict, type NewLink, openStore, type StateStore } from '../../src/store/index.js';
import type { SyncCounts } from '../../src/store/state-store.js';

/**
 * A flow file with one sync (`customers`: crm ↔ erp over SQLite tables, `pii: [email]`, manual
 * conflicts, deletes for review) and a state store seeded as runs of it would leave it: a run with
 * sync counters, links, an open field conflict on the personal `email`, one on `name`, a match
 * conflict with two candidates, and a pending delete. For the review commands' tests (app and CLI).
 */
export const SYNC_FILE = `connections:
  crm: { type: sqlite, path: crm.db }
  erp: { type: sqlite, path: erp.db }
syncs:
  customers:
    pii: [email]
    schedule: "0 * * * *"
    conflicts: manual
    deletes: { policy: review }
    a: { name: crm, connection: crm, table: customers, key: id, cursor: updated_at }
    b: { name: erp, connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
      email: { b: email_address }
      name: { a: full_name, b: name }
`;

export interface Seeded {
  readonly dir: string;
  readonly file: string;
  readonly db: string;
  readonly runId: number;
  /** Link ids: 1..3 linked (3 pending-delete on erp), 4 in error. */
  readonly links: readonly number[];
  /** Conflict ids: email (link 1), name (link 2), match (crm 9). */
  readonly conflicts: { readonly email: number; readonly name: number; readonly match: number };
  cleanup(): void;
}

export const syncCounts = (o: Partial<SyncCounts> = {}): SyncCounts => {
  const side = { read: 0, created: 0, updated: 0, deleted: 0, echoes: 0, failed: 0 };
  return {
    a: { ...side, read: 3, updated: 1, echoes: 1 },
    b: { ...side, read: 2, created: 2 },
    unchanged: 1,
    matched: 1,
    conflictsDecided: 0,
    conflictsOpened: 2,
    ambiguous: 1,
    pendingDeletes: 1,
    ...o,
  };
};

const T0 = new Date('2026-12-01T10:00:00Z');

function link(n: number, o: Partial<NewLink> = {}): NewLink {
  const email = `person${n}@example.com`;
  return {
    sync: 'customers',
    aId: String(n),
    bId: `C-${n}`,
    status: 'linked',
    aHash: `ha${n}`,
    bHash: `hb${n}`,
    baseA: { email, full_name: `Person Number ${n}` } as JsonObject,
    baseB: { email_address: email, name: `Person Number ${n}` } as JsonObject,
    aChangedAt: '2026-12-01T09:00:00Z',
    bChangedAt: '2026-12-01T09:30:00Z',
    intent: null,
    deletedOn: null,
    error: null,
    failures: 0,
    syncedAt: T0,
    ...o,
  };
}

export async function seedSyncReview(): Promise<Seeded> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-sync-review-'));
  const file = join(dir, 'sync.yaml');
  const db = join(dir, 'state.db');
  writeFileSync(file, SYNC_FILE);
  const seeded = await seed(await openStore(db), file);
  return { ...seeded, dir, file, db, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

async function seed(store: StateStore, file: string) {
  try {
    const run = await store.createRun({
      flow: 'customers',
      trigger: 'cli',
      flowFile: file,
      host: 'test',
      pid: 1,
      startedAt: T0,
      resumedFrom: null,
    });
    await store.updateRun(run.id, {
      status: 'succeeded',
      endedAt: new Date(T0.getTime() + 1500),
      counts: { read: 5, written: 3, skipped: 0, failed: 0, steps: {}, destinations: {}, sync: syncCounts() },
    });
    const lease = await store.claimLease('customers', 'test:1:aaaa', new Date(T0.getTime() + 60_000), { at: T0 });
    const field = (linkId: number, n: number, name: string, base: string, a: string, b: string): NewConflict => ({
      sync: 'customers',
      kind: 'field',
      linkId,
      field: name,
      aId: String(n),
      bId: `C-${n}`,
      base,
      aValue: a,
      bValue: b,
      aChangedAt: '2026-12-01T11:00:00Z',
      bChangedAt: '2026-12-01T11:05:00Z',
      candidates: null,
      runId: run.id,
    });
    const { linkIds } = await store.sync.commitBatch({
      lease,
      sync: 'customers',
      insertLinks: [
        link(1),
        link(2),
        link(3, { status: 'pending-delete', deletedOn: 'b' }),
        link(4, { status: 'error', error: 'erp refused the update', failures: 2 }),
      ],
      at: T0,
    });
    const [l1, l2] = linkIds as [number, number];
    await store.sync.commitBatch({
      lease,
      sync: 'customers',
      openConflicts: [
        field(l1, 1, 'email', 'person1@example.com', 'ada.a@example.com', 'ada.b@example.com'),
        field(l2, 2, 'name', 'Person Number 2', 'Person Two A', 'Person Two B'),
        {
          sync: 'customers',
          kind: 'match',
          linkId: null,
          field: null,
          aId: '9',
          bId: null,
          base: null,
          aValue: null,
          bValue: null,
          aChangedAt: '2026-12-01T09:00:00Z',
          bChangedAt: null,
          candidates: [
            { side: 'a', rid: '9', values: { email: 'twin@example.com', full_name: 'Twin' } },
            { side: 'b', rid: 'C-90', values: { email_address: 'twin@example.com', name: 'Twin One' } },
            { side: 'b', rid: 'C-91', values: { email_address: 'twin@example.com', name: 'Twin Two' } },
          ],
          runId: run.id,
        },
      ],
      at: T0,
    });
    await store.releaseLease(lease, T0);
    const conflicts = await store.sync.listConflicts({ sync: 'customers' });
    const id = (pred: (c: (typeof conflicts)[number]) => boolean) => conflicts.find(pred)?.id ?? -1;
    return {
      runId: run.id,
      links: linkIds,
      conflicts: {
        email: id((c) => c.field === 'email'),
        name: id((c) => c.field === 'name'),
        match: id((c) => c.kind === 'match'),
      },
    };
  } finally {
    await store.close();
  }
}
