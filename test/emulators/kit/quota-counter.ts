import type { EmulatorClock } from './emulator-clock.js';

/**
 * Counts calls per key within a window on the emulator's clock: a rate limit (10 per second), a burst
 * limit (100 per 10 s) or a daily quota (Salesforce's rolling 24 h, Marketo's day that resets at
 * midnight US Central). A refused call is not counted.
 */
export interface QuotaState {
  readonly allowed: boolean;
  readonly used: number;
  readonly limit: number;
  readonly remaining: number;
  /** When a refused call may be made again, in ms from now (0 when allowed). */
  readonly retryAfterMs: number;
}

export interface QuotaCounterOptions {
  readonly clock: EmulatorClock;
  readonly limit: number;
  readonly windowMs: number;
  /** `fixed` (default): windows start at multiples of windowMs (+ offsetMs) since the epoch; `rolling`: the last windowMs. */
  readonly mode?: 'fixed' | 'rolling';
  /** Fixed windows only: where they start, e.g. 5 h for a day that begins at midnight UTC−5. */
  readonly offsetMs?: number;
}

export interface QuotaCounter {
  /** Counts a call for `key` when the quota allows it. */
  take(key?: string): QuotaState;
  /** The state without counting. */
  peek(key?: string): QuotaState;
  reset(): void;
}

export function createQuotaCounter(options: QuotaCounterOptions): QuotaCounter {
  const { clock, limit, windowMs, mode = 'fixed', offsetMs = 0 } = options;
  const calls = new Map<string, number[]>();

  const state = (key: string, count: boolean): QuotaState => {
    const now = clock.now().getTime();
    const start =
      mode === 'rolling' ? now - windowMs + 1 : Math.floor((now - offsetMs) / windowMs) * windowMs + offsetMs;
    const kept = (calls.get(key) ?? []).filter((t) => t >= start);
    calls.set(key, kept);
    const allowed = kept.length < limit;
    if (allowed && count) kept.push(now);
    const retryAfterMs = allowed
      ? 0
      : mode === 'rolling'
        ? (kept[kept.length - limit] ?? now) + windowMs - now
        : start + windowMs - now;
    return { allowed, used: kept.length, limit, remaining: Math.max(0, limit - kept.length), retryAfterMs };
  };

  return {
    take: (key = 'default') => state(key, true),
    peek: (key = 'default') => state(key, false),
    reset: () => calls.clear(),
  };
}
