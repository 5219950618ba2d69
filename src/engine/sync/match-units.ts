import type { Json } from '../../sdk/index.js';
import type { StagedChange } from '../../store/sync-store.js';
import { createUnit } from './create-units.js';
import { pairUnit } from './pair-units.js';
import { linksOf } from './sync-links.js';
import type { SyncRun } from './sync-run-context.js';
import type { SyncUnit } from './sync-unit.js';

const candidate = (r: StagedChange): Json => ({ side: r.side, rid: r.rid, values: r.values });

/**
 * Records with more than one candidate under the match rule: a match conflict per record for a person
 * (never a guess). The record and its candidates are consumed with it, so that none of them is created
 * on the other side meanwhile; the conflict keeps their values.
 */
function ambiguousUnit(run: SyncRun, record: StagedChange, candidates: readonly StagedChange[]): SyncUnit {
  return {
    writes: [],
    settle({ parts }) {
      run.counts.sync.ambiguous++;
      for (const r of [record, ...candidates]) parts.consumed.push({ side: r.side, rid: r.rid });
      parts.openConflicts.push({
        sync: run.def.name,
        kind: 'match',
        linkId: null,
        field: null,
        aId: record.side === 'a' ? record.rid : null,
        bId: record.side === 'b' ? record.rid : null,
        base: null,
        aValue: null,
        bValue: null,
        aChangedAt: record.side === 'a' ? record.changedAt : null,
        bChangedAt: record.side === 'b' ? record.changedAt : null,
        candidates: [candidate(record), ...candidates.map(candidate)],
        runId: run.runId,
      });
    },
  };
}

/**
 * The unlinked staged records that share a match key, gathered from the whole queue (their
 * counterparts may be staged later or on the other side) and sorted by the planner: pairs, creates,
 * ambiguities. Records with no match key are created.
 */
export async function matchUnits(
  run: SyncRun,
  fresh: readonly StagedChange[],
  key: (r: StagedChange) => string,
): Promise<SyncUnit[]> {
  const units: SyncUnit[] = [];
  const keys = [...new Set(fresh.flatMap((r) => (r.matchKey === null ? [] : [r.matchKey])))];
  for (const r of fresh) if (r.matchKey === null) units.push(createUnit(run, r));
  if (keys.length === 0) return units;
  const seen = new Set(fresh.map(key));
  const more = (await run.store.stagedByMatchKeys(run.def.name, keys)).filter(
    (r) => !r.parked && !r.deleted && !seen.has(key(r)),
  );
  const linked = await linksOf(run, more);
  const groups = new Map<string, StagedChange[]>();
  for (const r of [...fresh, ...more.filter((m) => !linked.has(key(m)))]) {
    if (r.matchKey === null) continue;
    const group = groups.get(r.matchKey) ?? [];
    group.push(r);
    groups.set(r.matchKey, group);
  }
  for (const group of groups.values()) {
    const plan = run.planner.planMatch(run.compiled, group);
    for (const p of plan.pairs) units.push(pairUnit(run, undefined, p.a, p.b, []));
    for (const c of plan.creates) units.push(createUnit(run, c));
    for (const x of plan.ambiguous) units.push(ambiguousUnit(run, x.record, x.candidates));
  }
  return units;
}

/**
 * Counts the ambiguous records of the whole staging queue before anything is written: more than the
 * rule's `maxAmbiguous` fails the run (SYNC_MATCH_NOT_UNIQUE). Reads the queue in batches.
 */
export async function countAmbiguous(
  run: SyncRun,
  key: (r: StagedChange) => string,
): Promise<{ count: number; examples: string[] }> {
  const done = new Set<string>();
  let count = 0;
  const examples: string[] = [];
  let after = 0;
  for (;;) {
    const rows = await run.store.nextStaged(run.def.name, after, run.def.batchSize);
    const last = rows.at(-1);
    if (!last) break;
    after = last.seq;
    const links = await linksOf(run, rows);
    const fresh = rows.filter((r) => !r.deleted && r.matchKey !== null && !done.has(r.matchKey) && !links.has(key(r)));
    const keys = [...new Set(fresh.map((r) => r.matchKey as string))];
    if (keys.length === 0) continue;
    const all = (await run.store.stagedByMatchKeys(run.def.name, keys)).filter((r) => !r.parked && !r.deleted);
    const linked = await linksOf(run, all);
    const groups = new Map<string, StagedChange[]>();
    for (const r of all) {
      if (linked.has(key(r)) || r.matchKey === null) continue;
      groups.set(r.matchKey, [...(groups.get(r.matchKey) ?? []), r]);
    }
    for (const [k, group] of groups) {
      const plan = run.planner.planMatch(run.compiled, group);
      if (plan.ambiguous.length === 0) continue; // only ambiguous keys are remembered: memory stays small
      done.add(k);
      count += plan.ambiguous.length;
      for (const x of plan.ambiguous) if (examples.length < 5) examples.push(`${x.record.side}:${x.record.rid}`);
    }
  }
  return { count, examples };
}
