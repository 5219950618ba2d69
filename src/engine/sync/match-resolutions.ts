import type { Json, JsonObject } from '../../sdk/index.js';
import type { ConflictRow, NewStagedChange, StagedChange } from '../../store/sync-store.js';
import { createUnit } from './create-units.js';
import { pairUnit } from './pair-units.js';
import { runUnits } from './run-units.js';
import { keyOf, linksOf } from './sync-links.js';
import type { Side } from './sync-plan-types.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit } from './sync-unit.js';

const isObject = (v: Json): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);

/** A match conflict's record (first) and candidates as staged changes, from the values the conflict kept. */
function entriesOf(run: SyncRun, c: ConflictRow): StagedChange[] {
  const list = Array.isArray(c.candidates) ? c.candidates : [];
  return list.flatMap((x, i) => {
    if (!isObject(x) || (x.side !== 'a' && x.side !== 'b') || typeof x.rid !== 'string' || !isObject(x.values ?? null))
      return [];
    const side: Side = x.side;
    const values = x.values as JsonObject;
    const changedAt = i === 0 ? (side === 'a' ? c.aChangedAt : c.bChangedAt) : null;
    return [
      {
        sync: run.def.name,
        side,
        rid: x.rid,
        matchKey: run.compiled.matchKey(side, values),
        hash: run.compiled.hash(side, values),
        values,
        changedAt,
        deleted: false,
        seq: 0,
        attempts: 0,
        error: null,
        parked: false,
      },
    ];
  });
}

/** A unit that also closes its conflict as applied once its writes succeeded. */
function closing(unit: SyncUnit, id: number): SyncUnit {
  return {
    ...unit,
    settle(s) {
      unit.settle(s);
      s.parts.closeConflicts.push({ id, status: 'applied' });
    },
  };
}

const closeOnly = (id: number): SyncUnit => ({
  writes: [],
  settle: (s) => void s.parts.closeConflicts.push({ id, status: 'applied' }),
});

/**
 * Match conflicts a person resolved: `pair` links the record with the chosen candidate (planned as a
 * newly matched pair), `separate` creates the record on the other side. The other candidates are
 * staged again, so that the rest of the run matches (or creates) them like any unlinked record. A
 * record linked meanwhile is left as it is; the conflict closes as applied.
 */
export async function applyResolvedMatches(run: SyncRun): Promise<void> {
  let afterId = 0;
  for (;;) {
    if (run.ctx.signal.aborted) return;
    const page = await run.store.listConflicts({
      sync: run.def.name,
      kind: 'match',
      status: 'resolved',
      afterId,
      limit: run.def.batchSize,
    });
    const last = page.at(-1);
    if (!last) return;
    afterId = last.id;
    const units: SyncUnit[] = [];
    const restage: Record<Side, NewStagedChange[]> = { a: [], b: [] };
    const used = new Set<string>();
    for (const c of page) {
      const [record, ...others] = entriesOf(run, c);
      if (!record) {
        units.push(closeOnly(c.id));
        continue;
      }
      const linked = await linksOf(run, [record, ...others]);
      const free = (r: StagedChange) => !linked.has(keyOf(r)) && !used.has(keyOf(r));
      const take = c.resolution?.take;
      const partner =
        take === 'pair' ? others.find((o) => o.rid === c.resolution?.pairWith && o.side !== record.side) : undefined;
      if (free(record) && partner && free(partner)) {
        const [a, b] = record.side === 'a' ? [record, partner] : [partner, record];
        units.push(closing(pairUnit(run, undefined, a, b, []), c.id));
        used.add(keyOf(partner));
      } else if (free(record) && take === 'separate') units.push(closing(createUnit(run, record), c.id));
      else units.push(closeOnly(c.id));
      used.add(keyOf(record));
      for (const o of others) {
        if (o === partner || !free(o)) continue;
        used.add(keyOf(o));
        const { seq: _s, attempts: _a, error: _e, parked: _p, ...change } = o;
        restage[o.side].push(change);
      }
    }
    for (const side of ['a', 'b'] as const) {
      if (restage[side].length === 0) continue;
      await run.store.stage({
        lease: run.lease,
        sync: run.def.name,
        side,
        changes: restage[side],
        at: run.clock.now(),
      });
    }
    await runUnits(run, units);
    run.progress();
  }
}
