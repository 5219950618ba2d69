import { backoffDelay, retryOnClock } from '../../kit/index.js';
import { type Context, isFlowError } from '../../sdk/index.js';

export interface SourceRetryOptions {
  /** Attempts per request, the first included. */
  readonly maxAttempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

/** The delay before retry number `attempt` (1-based): exponential, capped, and never shorter than Retry-After. */
export function retryDelay(options: SourceRetryOptions, attempt: number, error: unknown): number {
  return backoffDelay(attempt, options.baseMs, options.maxMs, error);
}

/**
 * Runs a request again on transient FlowErrors. The delay is computed from the last error
 * (Retry-After wins over a shorter backoff) and waited on `ctx.clock`, so tests can use a manual
 * clock and a canceled run stops waiting.
 */
export function sourceRetry(options: SourceRetryOptions, ctx: Context): <T>(fn: () => Promise<T>) => Promise<T> {
  return (fn) =>
    retryOnClock(() => fn(), {
      maxAttempts: Math.max(1, options.maxAttempts),
      retryable: (e) => isFlowError(e) && e.kind === 'transient',
      delay: (attempt, error) => retryDelay(options, attempt, error),
      onRetry: (attempt, delayMs, error) =>
        ctx.log.warn({ attempt, delayMs }, error instanceof Error ? error.message : 'retry'),
      clock: ctx.clock,
      signal: ctx.signal,
    });
}
