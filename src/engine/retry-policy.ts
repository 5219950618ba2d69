import { DelegateBackoff, handleWhen, type IRetryBackoffContext, type RetryPolicy, retry } from 'cockatiel';
import type { RetrySettings } from '../config/definition.js';
import { isFlowError, parseDuration } from '../sdk/index.js';

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

/** Retries only FlowErrors of kind `transient` (busy database, timeout, 5xx, 429) on the given schedule. */
export function transientRetry(options: RetryOptions = defaultRetry): RetryPolicy {
  return retry(
    // an open circuit is waited for by the destination writer, not retried on this schedule
    handleWhen((e) => isFlowError(e) && e.kind === 'transient' && e.code !== 'CIRCUIT_OPEN'),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
        retryDelay(options, context.attempt, 'error' in context.result ? context.result.error : undefined),
      ),
    },
  );
}
