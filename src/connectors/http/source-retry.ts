import { DelegateBackoff, handleWhen, type IRetryBackoffContext, retry } from 'cockatiel';
import { backoffDelay, type Context, isFlowError } from '../../sdk/index.js';

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
 * Runs a request under a cockatiel retry policy that retries transient FlowErrors. The delay is
 * computed from the last error (Retry-After wins over a shorter backoff) and waited on `ctx.clock`,
 * so tests can use a manual clock and a canceled run stops waiting.
 */
export function sourceRetry(options: SourceRetryOptions, ctx: Context): <T>(fn: () => Promise<T>) => Promise<T> {
  let wait = 0;
  const policy = retry(
    handleWhen((e) => isFlowError(e) && e.kind === 'transient'),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) => {
        wait = retryDelay(options, context.attempt, 'error' in context.result ? context.result.error : undefined);
        ctx.log.warn(
          { attempt: context.attempt, delayMs: wait },
          'error' in context.result && context.result.error instanceof Error ? context.result.error.message : 'retry',
        );
        return 0; // the policy itself does not sleep: the attempt waits on ctx.clock
      }),
    },
  );
  return (fn) =>
    policy.execute(async ({ attempt }) => {
      if (attempt > 0 && wait > 0) await ctx.clock.sleep(wait, ctx.signal);
      return fn();
    }, ctx.signal);
}
