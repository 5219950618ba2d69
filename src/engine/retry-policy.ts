import type { RetrySettings } from '../config/definition.js';
import { retryOnClock } from '../kit/index.js';
import { type Clock, isFlowError, parseDuration, systemClock } from '../sdk/index.js';

/** A complete retry policy as data: what the flow file's `retry:` blocks resolve to. */
export interface RetryOptions {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  backoff: 'fixed' | 'exponential';
  baseMs: number;
  maxMs: number;
  jitter: boolean;
}

/** The seed's schedule: attempt 1 at once, then base, then 2×base, … (exponential), three attempts in all. */
export const defaultRetry: RetryOptions = {
  maxAttempts: 3,
  backoff: 'exponential',
  baseMs: 1000,
  maxMs: 60_000,
  jitter: false,
};

/** Merges retry blocks key by key, later ones winning: defaults ← flow ← connection ← destination. */
export function resolveRetry(base: RetryOptions, ...levels: (RetrySettings | undefined)[]): RetryOptions {
  const out = { ...base };
  for (const level of levels) {
    if (!level) continue;
    if (level.maxAttempts !== undefined) out.maxAttempts = level.maxAttempts;
    if (level.backoff !== undefined) out.backoff = level.backoff;
    if (level.base !== undefined) out.baseMs = parseDuration(level.base) ?? out.baseMs;
    if (level.max !== undefined) out.maxMs = parseDuration(level.max) ?? out.maxMs;
    if (level.jitter !== undefined) out.jitter = level.jitter;
  }
  return out;
}

/**
 * The wait before retry `attempt` (1 = the wait after the first failure). A server's Retry-After
 * (carried by the error as `retryAfterMs`) wins: it replaces the computed wait. Jitter spreads the
 * wait over [wait/2, wait].
 */
export function retryDelay(
  o: RetryOptions,
  attempt: number,
  error: unknown,
  random: () => number = Math.random,
): number {
  const retryAfter = isFlowError(error) ? error.retryAfterMs : undefined;
  if (retryAfter !== undefined) return retryAfter;
  const wait = o.backoff === 'fixed' ? o.baseMs : Math.min(o.maxMs, o.baseMs * 2 ** Math.max(0, attempt - 1));
  return o.jitter ? Math.round(wait / 2 + (random() * wait) / 2) : wait;
}

/** A retry schedule ready to run calls under. */
export interface RetryPolicy {
  /** Runs `call` until it succeeds or the schedule is spent; a signal that aborts stops the waiting. */
  execute<T>(call: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

/**
 * Retries only FlowErrors of kind `transient` (busy database, timeout, 5xx, 429) on the given
 * schedule, waiting on the clock (cockatiel's retry slept on its own timers, which neither a manual
 * clock nor a canceled run could cut short).
 */
export function transientRetry(options: RetryOptions = defaultRetry, clock: Clock = systemClock): RetryPolicy {
  return {
    execute: (call, signal) =>
      retryOnClock(call, {
        maxAttempts: Math.max(1, options.maxAttempts),
        // an open circuit (or a quota blocked until T, which opens it) is waited for by the destination writer
        retryable: (e) =>
          isFlowError(e) && e.kind === 'transient' && e.code !== 'CIRCUIT_OPEN' && e.blockedUntil === undefined,
        delay: (attempt, error) => retryDelay(options, attempt, error),
        clock,
        ...(signal ? { signal } : {}),
      }),
  };
}
