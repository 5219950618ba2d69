import { type Context, isFlowError } from '../../sdk/index.js';
import { retryOnClock } from '../retry-on-clock.js';
import { backoffDelay } from './backoff-delay.js';

export interface RequestRetryOptions {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** The delay before retry number `attempt` (1-based): exponential, capped, and never shorter than Retry-After. */
export function retryDelay(options: RequestRetryOptions, attempt: number, error: unknown): number {
  return backoffDelay(attempt, options.baseMs, options.maxMs, error);
}

/**
 * Runs a request again on transient FlowErrors (a source's reads; the engine retries writes). The
 * delay is computed from the last error (Retry-After wins over a shorter backoff) and waited on
 * `ctx.clock`, so tests can use a manual clock and a canceled run stops waiting. A quota exhausted
 * until a later time (`blockedUntil`) is not retried here: it goes up to open the breaker.
 */
export function requestRetry(options: RequestRetryOptions, ctx: Context): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) =>
    retryOnClock(() => fn(), {
      maxAttempts: Math.max(1, options.maxAttempts),
      retryable: (e) => isFlowError(e) && e.kind === 'transient' && e.blockedUntil === undefined,
      delay: (attempt, error) => retryDelay(options, attempt, error),
      onRetry: (attempt, delayMs, error) =>
        ctx.log.warn({ attempt, delayMs }, error instanceof Error ? error.message : 'retry'),
      clock: ctx.clock,
      signal: ctx.signal,
    });
}
