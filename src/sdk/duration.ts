import { z } from 'zod';

const units: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `500ms`, `30s`, `10m`, `1h`, `1d` or a number of milliseconds; undefined when it is neither. */
export function parseDuration(value: string | number): number | undefined {
  if (typeof value === 'number') return value >= 0 ? value : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/.exec(value);
  return m ? Number(m[1]) * (units[m[2] as string] as number) : undefined;
}

/** A duration in a config: `10m`, `30s`, … or a number of ms (kept as written; read with parseDuration). */
export const durationSchema = z.union([
  z.number().nonnegative(),
  z.string().refine((s) => parseDuration(s) !== undefined, 'a duration like 30s, 10m, 1h or a number of ms'),
]);
