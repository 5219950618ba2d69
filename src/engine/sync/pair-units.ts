import type { Json } from '../../sdk/index.js';
import type { ConflictRow, LinkRow, NewLink, StagedChange } from '../../store/sync-store.js';
import type { Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';
import type { CommitParts, SyncUnit, UnitWrite } from './sync-unit.js';
import { stamp } from './sync-writers.js';

const consume = (parts: CommitParts, ...rows: (StagedChange | undefined)[]) => {
  for (const r of rows) if (r) parts.consumed.push({ side: r.side, rid: r.rid });
};

/** A staged change with nothing to write: consumed (an unlinked record deleted, a change of a pair gone). */
export function consumeUnit(...rows: StagedChange[]): SyncUnit {
  return { writes: [], settle: ({ parts }) => consume(parts, ...rows) };
}

/** An update of a side by its key, with only the fields that change (plus the cursor stamp). */
function update(
  run: SyncRun,
  side: Side,
  id: string,
  fields: Record<string, Json>,
  from: StagedChange | undefined,
): UnitWrite {
  const def = run.sides[side].def;
  return {
    side,
    op: 'update',
    data: { ...fields, ...stamp(def, run.clock.now()), [def.key]: id },
    counts: 'updated',
    from,
  };
}

/**
 * A linked pair (or two records the match rule just paired: no link, `before` inserts one with no
 * base) with its staged changes and conflicts: the planner's three-way plan, written field by field,
 * then the link's new bases and hashes, its conflicts opened and closed, its changes consumed.
 */
export function pairUnit(
  run: SyncRun,
  link: LinkRow | undefined,
  a: StagedChange | undefined,
  b: StagedChange | undefined,
  conflicts: readonly ConflictRow[],
): SyncUnit {
  const plan = run.planner.planPair(run.compiled, {
    ...(link ? { link } : {}),
    ...(a ? { a } : {}),
    ...(b ? { b } : {}),
    conflicts,
  });
  const aId = link?.aId ?? a?.rid;
  const bId = link?.bId ?? b?.rid;
  const writes: UnitWrite[] = [];
  if (plan.writeA && aId != null) writes.push(update(run, 'a', aId, plan.writeA, b ?? a));
  if (plan.writeB && bId != null) writes.push(update(run, 'b', bId, plan.writeB, a ?? b));
  const before: NewLink | undefined = link
    ? undefined
    : {
        sync: run.def.name,
        aId: aId ?? null,
        bId: bId ?? null,
        status: 'linked',
        aHash: null,
        bHash: null,
        baseA: {},
        baseB: {},
        aChangedAt: a?.changedAt ?? null,
        bChangedAt: b?.changedAt ?? null,
        intent: null,
        deletedOn: null,
        error: null,
        failures: 0,
        syncedAt: null,
      };
  return {
    writes,
    ...(before ? { before } : {}),
    settle({ linkId, parts, now }) {
      const id = link?.id ?? linkId;
      const s = run.counts.sync;
      if (plan.echoA) s.a.echoes++;
      if (plan.echoB) s.b.echoes++;
      if (!link) s.matched++;
      if (writes.length === 0) s.unchanged++;
      s.conflictsDecided += plan.decided;
      s.conflictsOpened += plan.conflicts.length;
      consume(parts, a, b);
      parts.closeConflicts.push(...plan.close);
      if (id === undefined) return;
      parts.updateLinks.push({
        id,
        status: 'linked',
        deletedOn: null,
        baseA: plan.baseA,
        baseB: plan.baseB,
        aHash: plan.aHash,
        bHash: plan.bHash,
        aChangedAt: a?.changedAt ?? link?.aChangedAt ?? null,
        bChangedAt: b?.changedAt ?? link?.bChangedAt ?? null,
        error: null,
        failures: 0,
        syncedAt: now,
      });
      for (const c of plan.conflicts) {
        run.conflictLinks.add(id);
        parts.openConflicts.push({
          sync: run.def.name,
          kind: 'field',
          linkId: id,
          field: c.field,
          aId: aId ?? null,
          bId: bId ?? null,
          base: c.base,
          aValue: c.aValue,
          bValue: c.bValue,
          aChangedAt: a?.changedAt ?? link?.aChangedAt ?? null,
          bChangedAt: b?.changedAt ?? link?.bChangedAt ?? null,
          candidates: null,
          runId: run.runId,
        });
      }
    },
    // a write failed: a linked pair stays as it was; a new pair keeps its link with no base (planned again next run)
  };
}
