import type { QuotaReader } from './quota-signal.js';
import { retryAfterMs } from './retry-after.js';

/** How a reset header counts: seconds from now, epoch seconds, epoch milliseconds, or an HTTP date. */
export type ResetFormat = 'seconds' | 'epoch-seconds' | 'epoch-ms' | 'http-date';

export interface QuotaHeaderNames {
  /** e.g. `X-RateLimit-Remaining`. */
  readonly remaining: string;
  /** e.g. `X-RateLimit-Limit`. */
  readonly limit?: string;
  /** e.g. `X-RateLimit-Reset`. */
  readonly reset?: string;
  /** Default `seconds` (GitHub's and HubSpot's epoch styles: `epoch-seconds`, `epoch-ms`). */
  readonly resetFormat?: ResetFormat;
  /** The signal's name in stats; default the remaining header's name, lower case. */
  readonly name?: string;
}

const number = (v: string | null): number | undefined => {
  if (v === null || v.trim() === '') return undefined;
  const n = Number(v.trim());
  return Number.isFinite(n) ? n : undefined;
};

function resetAt(value: string | null, format: ResetFormat, now: Date): Date | undefined {
  if (value === null) return undefined;
  if (format === 'http-date') {
    const ms = retryAfterMs(value, now);
    return ms === undefined ? undefined : new Date(now.getTime() + ms);
  }
  const n = number(value);
  if (n === undefined) return undefined;
  if (format === 'seconds') return new Date(now.getTime() + n * 1000);
  return new Date(format === 'epoch-seconds' ? n * 1000 : n);
}

/** Remaining-quota headers with configurable names (`X-RateLimit-Remaining` / `-Limit` / `-Reset` and their kin). */
export function quotaHeaders(names: QuotaHeaderNames): QuotaReader {
  const format = names.resetFormat ?? 'seconds';
  const name = names.name ?? names.remaining.toLowerCase();
  return (headers, now) => {
    const remaining = number(headers.get(names.remaining));
    if (remaining === undefined) return undefined;
    const limit = names.limit ? number(headers.get(names.limit)) : undefined;
    const reset = names.reset ? resetAt(headers.get(names.reset), format, now) : undefined;
    return {
      name,
      remaining,
      ...(limit === undefined ? {} : { limit, used: Math.max(0, limit - remaining) }),
      ...(reset === undefined ? {} : { resetAt: reset }),
    };
  };
}
