/**
 * Rounds and their summary: every benchmark measures each side (engine, baseline, anchors) at least
 * `ROUNDS` times, the sides interleaved (E B E B E B) so a drift of the machine's speed touches both,
 * and reports the median round (the figure to quote) and the fastest round (its minimum time).
 */

/** Rounds per side (BENCH_ROUNDS overrides; never fewer than 3 unless asked for explicitly). */
export const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 3));

/** One measured round of one side. */
export interface Round {
  records: number;
  seconds: number;
  peakRssMb?: number;
}

/** A side's rounds, summarised: records/s of the median and of the fastest round, peak RSS median and max. */
export interface Summary {
  rounds: number;
  records: number;
  medianSeconds: number;
  minSeconds: number;
  /** records / median seconds: the figure to quote */
  recordsPerSec: number;
  /** records / minimum seconds: the fastest round */
  bestPerSec: number;
  peakRssMb?: number;
  maxPeakRssMb?: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export function summarize(rounds: Round[]): Summary {
  if (rounds.length === 0) throw new Error('no rounds to summarise');
  const records = (rounds[0] as Round).records;
  const medianSeconds = median(rounds.map((r) => r.seconds));
  const minSeconds = Math.min(...rounds.map((r) => r.seconds));
  const rss = rounds.map((r) => r.peakRssMb).filter((v): v is number => typeof v === 'number');
  return {
    rounds: rounds.length,
    records,
    medianSeconds: Number(medianSeconds.toFixed(3)),
    minSeconds: Number(minSeconds.toFixed(3)),
    recordsPerSec: Math.round(records / medianSeconds),
    bestPerSec: Math.round(records / minSeconds),
    ...(rss.length > 0 ? { peakRssMb: Math.round(median(rss)), maxPeakRssMb: Math.max(...rss) } : {}),
  };
}

/** Ratio of the medians' throughput, engine over baseline. */
export function ratioOf(engine: Summary, baseline: Summary): number {
  return Number((engine.recordsPerSec / baseline.recordsPerSec).toFixed(2));
}

/** Runs `sides` in turn, round after round (A B A B …), and returns each side's rounds. */
export async function interleave<K extends string, R extends Round>(
  sides: Record<K, () => Promise<R> | R>,
  rounds: number = ROUNDS,
): Promise<Record<K, R[]>> {
  const names = Object.keys(sides) as K[];
  const out = Object.fromEntries(names.map((n) => [n, [] as R[]])) as Record<K, R[]>;
  for (let i = 0; i < rounds; i++) for (const n of names) out[n].push(await sides[n]());
  return out;
}

/** `1,234 rec/s (best 1,300)` */
export function rate(s: Summary): string {
  return `${s.recordsPerSec.toLocaleString('en-US')} rec/s median (best ${s.bestPerSec.toLocaleString('en-US')})`;
}

/** `peak RSS 120 MB (max 130)` */
export function rss(s: Summary): string {
  return s.peakRssMb === undefined ? '' : `peak RSS ${s.peakRssMb} MB (max ${s.maxPeakRssMb})`;
}
