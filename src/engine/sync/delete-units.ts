import type { LinkRow, StagedChange } from '../../store/sync-store.js';
import { otherSide, type Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit, UnitWrite } from './sync-unit.js';
import { stamp } from './sync-writers.js';

/**
 * The delete of a linked pair's record on the other side: through that side's soft-delete field when
 * it has one (an update setting it), else the keyed `delete` writer.
 */
function deleteWrite(run: SyncRun, side: Side, id: string, from: StagedChange | undefined): UnitWrite {
  const def = run.sides[side].def;
  if (def.deleted) {
    const data = { [def.deleted.field]: def.deleted.value ?? true, ...stamp(def, run.clock.now()), [def.key]: id };
    return { side, op: 'update', data, counts: 'deleted', from };
  }
  return { side, op: 'delete', data: { [def.key]: id }, counts: 'deleted', from };
}

/**
 * A linked pair whose record on `deletedOn` is gone (its soft-delete field set, or a reconcile pass did
 * not see it), by the delete policy (planner.planDelete): `ignore` keeps the other record and notes
 * the side on the link; `flag` sets the flag field on the other side; `propagate` deletes the other
 * record and forgets the link; `review` holds the link as `pending-delete` until approved
 * (`delete-approved`: see approvedDeleteUnit) or the record comes back.
 */
export function deleteUnit(run: SyncRun, link: LinkRow, deletedOn: Side, rows: readonly StagedChange[]): SyncUnit {
  const plan = run.planner.planDelete(run.compiled, link, deletedOn);
  const from = rows.find((r) => r.side === deletedOn);
  const other = otherSide(deletedOn);
  const otherId = other === 'a' ? link.aId : link.bId;
  const consume = (parts: { consumed: { side: Side; rid: string }[] }) => {
    for (const r of rows) parts.consumed.push({ side: r.side, rid: r.rid });
  };
  const note = (now: Date) => ({ id: link.id, deletedOn, syncedAt: now });
  if (plan.action === 'flag' && otherId !== null) {
    const def = run.sides[plan.side].def;
    const data = { ...plan.values, ...stamp(def, run.clock.now()), [def.key]: otherId };
    return {
      writes: [{ side: plan.side, op: 'update', data, counts: 'updated', from }],
      settle({ parts, now }) {
        consume(parts);
        parts.updateLinks.push(note(now));
      },
    };
  }
  if (plan.action === 'delete' && otherId !== null) {
    return {
      writes: [deleteWrite(run, plan.side, otherId, from)],
      settle({ parts }) {
        consume(parts);
        parts.deleteLinks.push(link.id);
      },
    };
  }
  if (plan.action === 'review') {
    return {
      writes: [],
      settle({ parts, now }) {
        run.counts.sync.pendingDeletes++;
        consume(parts);
        parts.updateLinks.push({ ...note(now), status: 'pending-delete' });
      },
    };
  }
  return {
    writes: [],
    settle({ parts, now }) {
      consume(parts);
      parts.updateLinks.push(note(now));
    },
  };
}

/** A pair deleted on both sides: nothing to write, the link goes. */
export function bothDeletedUnit(link: LinkRow, rows: readonly StagedChange[]): SyncUnit {
  return {
    writes: [],
    settle({ parts }) {
      for (const r of rows) parts.consumed.push({ side: r.side, rid: r.rid });
      parts.deleteLinks.push(link.id);
    },
  };
}

/**
 * A pending delete a person approved (link status `delete-approved`, `deletedOn` kept): the other
 * side's record is deleted now (as `propagate` would) and the link goes.
 */
export function approvedDeleteUnit(run: SyncRun, link: LinkRow): SyncUnit | undefined {
  if (link.deletedOn === null) return undefined;
  const other = otherSide(link.deletedOn);
  const otherId = other === 'a' ? link.aId : link.bId;
  if (otherId === null) return undefined;
  return {
    writes: [deleteWrite(run, other, otherId, undefined)],
    settle({ parts }) {
      parts.deleteLinks.push(link.id);
    },
  };
}
