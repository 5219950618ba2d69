import type { RunCounts, StageCounts } from '../store/state-store.js';

export function emptyStage(): StageCounts {
  return { in: 0, out: 0, failed: 0, skipped: 0 };
}

/** Fresh counts with a zeroed entry for every step and destination, so reports list them all. */
export function emptyCounts(steps: readonly string[], destinations: readonly string[]): RunCounts {
  return {
    read: 0,
    written: 0,
    skipped: 0,
    failed: 0,
    steps: Object.fromEntries(steps.map((s) => [s, emptyStage()])),
    destinations: Object.fromEntries(destinations.map((d) => [d, emptyStage()])),
  };
}

export function cloneCounts(c: RunCounts): RunCounts {
  return {
    ...c,
    steps: Object.fromEntries(
      Object.entries(c.steps).map(([k, v]) => [k, v.stats ? { ...v, stats: { ...v.stats } } : { ...v }]),
    ),
    destinations: Object.fromEntries(Object.entries(c.destinations).map(([k, v]) => [k, { ...v }])),
  };
}

/** Adds a stage's tally for one batch. */
export function addStage(target: Record<string, StageCounts>, name: string, delta: StageCounts): void {
  const s = target[name] ?? emptyStage();
  s.in += delta.in;
  s.out += delta.out;
  s.failed += delta.failed;
  s.skipped += delta.skipped;
  if (delta.alreadyWritten) s.alreadyWritten = (s.alreadyWritten ?? 0) + delta.alreadyWritten;
  if (delta.ids !== undefined) s.ids = (s.ids ?? 0) + delta.ids;
  if (delta.ms !== undefined) s.ms = Math.round(((s.ms ?? 0) + delta.ms) * 10) / 10;
  if (delta.stats) s.stats = addStats(s.stats, delta.stats);
  target[name] = s;
}

/** Sums counters by name (a step's `stats` over its calls and pages); millisecond counters keep one decimal. */
export function addStats(
  total: Record<string, number> | undefined,
  delta: Readonly<Record<string, number>>,
): Record<string, number> {
  const out = total ?? {};
  for (const [k, v] of Object.entries(delta)) out[k] = Math.round(((out[k] ?? 0) + v) * 10) / 10;
  return out;
}
