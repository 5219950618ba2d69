import { DelegateBackoff, handleWhen, type IRetryBackoffContext, type RetryPolicy, retry } from 'cockatiel';
import { backoffDelay, isFlowError } from '../sdk/index.js';

export interface RetryOptions {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryOptions = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 10_000 };

/** The wait before retry `attempt` (1-based): exponential from the initial delay, capped, but never shorter than a server's Retry-After. */
export function retryDelay(options: RetryOptions, attempt: number, error: unknown): number {
  return backoffDelay(attempt, options.initialDelayMs, options.maxDelayMs, error);
}

/** Retries only FlowErrors of kind `transient` (busy database, timeout, 5xx, 429), with exponential backoff and Retry-After. */
export function transientRetry(options: RetryOptions = defaultRetry): RetryPolicy {
  return retry(
    handleWhen((e) => isFlowError(e) && e.kind === 'transient'),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new DelegateBackoff((context: IRetryBackoffContext<unknown>) =>
        retryDelay(options, context.attempt, 'error' in context.result ? context.result.error : undefined),
      ),
    },
  );
}
