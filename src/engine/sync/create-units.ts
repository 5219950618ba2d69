import type { LinkRow, NewLink, StagedChange } from '../../store/sync-store.js';
import { otherSide, type Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit } from './sync-unit.js';
import { stamp } from './sync-writers.js';

/**
 * A record with no pair: created on the other side. The link is committed first as `pending-create`
 * with the intent (the side written and the hash of the values sent), then the insert runs, then the
 * link gets the new key. A crash in between leaves the intent: the next run finds the created record
 * among the other side's staged changes by that hash (intentUnits) instead of creating it again.
 */
export function createUnit(run: SyncRun, change: StagedChange): SyncUnit {
  const plan = run.planner.planCreate(run.compiled, change);
  const to = otherSide(change.side);
  const toHash = to === 'a' ? plan.aHash : plan.bHash;
  const before: NewLink = {
    sync: run.def.name,
    aId: change.side === 'a' ? change.rid : null,
    bId: change.side === 'b' ? change.rid : null,
    status: 'pending-create',
    aHash: plan.aHash,
    bHash: plan.bHash,
    baseA: plan.baseA,
    baseB: plan.baseB,
    aChangedAt: change.side === 'a' ? change.changedAt : null,
    bChangedAt: change.side === 'b' ? change.changedAt : null,
    intent: { side: to, hash: toHash },
    deletedOn: null,
    error: null,
    failures: 0,
    syncedAt: null,
  };
  const def = run.sides[to].def;
  return {
    writes: [
      {
        side: to,
        op: 'insert',
        data: { ...plan.values, ...stamp(def, run.clock.now()) },
        counts: 'created',
        from: change,
      },
    ],
    before,
    settle({ linkId, created, parts, now }) {
      parts.consumed.push({ side: change.side, rid: change.rid });
      const key = created.get(0);
      if (linkId === undefined || key === undefined) return;
      parts.updateLinks.push(linked(linkId, to, key, now));
    },
    unsettled({ linkId, created, parts }) {
      // refused: nothing was created, the intent goes; created without a key: the intent stays for the next run
      if (!created && linkId !== undefined) parts.deleteLinks.push(linkId);
    },
  };
}

function linked(id: number, side: Side, key: string, now: Date) {
  return {
    id,
    status: 'linked' as const,
    intent: null,
    syncedAt: now,
    ...(side === 'a' ? { aId: key } : { bId: key }),
  };
}

/**
 * A create intent a crash left behind (`pending-create`): when the created record was read back from
 * its side (a staged, unlinked change with the intent's hash) the link takes its key — it is not
 * created twice; when it was not, it is created again from the link's bases.
 */
export function intentUnit(run: SyncRun, link: LinkRow, found: StagedChange | undefined): SyncUnit | undefined {
  const intent = link.intent;
  if (!intent) return undefined;
  const side = intent.side;
  if (found) {
    return {
      writes: [],
      settle({ parts, now }) {
        run.counts.sync[side].echoes++;
        parts.consumed.push({ side, rid: found.rid });
        parts.updateLinks.push({
          ...linked(link.id, side, found.rid, now),
          [side === 'a' ? 'aChangedAt' : 'bChangedAt']: found.changedAt,
        });
      },
    };
  }
  const def = run.sides[side].def;
  const values = side === 'a' ? link.baseA : link.baseB;
  return {
    writes: [
      { side, op: 'insert', data: { ...values, ...stamp(def, run.clock.now()) }, counts: 'created', from: undefined },
    ],
    settle({ created, parts, now }) {
      const key = created.get(0);
      if (key !== undefined) parts.updateLinks.push(linked(link.id, side, key, now));
    },
  };
}
