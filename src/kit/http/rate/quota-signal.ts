/**
 * What an API said about its limits in one answer: a quota window (`used`/`limit`, `remaining`,
 * `resetAt`) or a bucket that refills (`restorePerSecond`, Shopify's leaky bucket and GraphQL cost).
 * The rate limiter paces requests by it; run stats can show it (`usageText`).
 */
export interface QuotaSignal {
  /** Which signal: `api-usage`, `x-ratelimit`, `graphql cost`, `retry-after` … */
  readonly name: string;
  readonly used?: number;
  readonly limit?: number;
  /** Left in the window (default limit − used). */
  readonly remaining?: number;
  /** When the window resets (the quota is whole again). */
  readonly resetAt?: Date;
  /** Points (requests) the bucket regains per second. */
  readonly restorePerSecond?: number;
}

/** Reads a quota signal from an answer's headers; undefined when the answer carries none. */
export type QuotaReader = (headers: Headers, now: Date) => QuotaSignal | undefined;

/** What is left of a signal's quota, when it says. */
export function remainingOf(signal: QuotaSignal): number | undefined {
  if (signal.remaining !== undefined) return signal.remaining;
  if (signal.used !== undefined && signal.limit !== undefined) return Math.max(0, signal.limit - signal.used);
  return undefined;
}

/** The signal as run stats show it: `api-usage 25/15000`, `x-ratelimit 12 left of 100, resets 2026-…Z`. */
export function usageText(signal: QuotaSignal): string {
  const remaining = remainingOf(signal);
  const amount =
    signal.used !== undefined && signal.limit !== undefined
      ? `${signal.used}/${signal.limit}`
      : remaining !== undefined
        ? `${remaining} left${signal.limit === undefined ? '' : ` of ${signal.limit}`}`
        : 'no figures';
  const reset = signal.resetAt ? `, resets ${signal.resetAt.toISOString()}` : '';
  return `${signal.name} ${amount}${reset}`;
}
