import { ExponentialBackoff, handleWhen, type RetryPolicy, retry } from 'cockatiel';
import { isFlowError } from '../sdk/index.js';

export interface RetryOptions {
  maxAttempts: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const defaultRetry: RetryOptions = { maxAttempts: 3, initialDelayMs: 500, maxDelayMs: 10_000 };

/** Retries only FlowErrors of kind `transient` (busy database, timeout, 5xx), with exponential backoff. */
export function transientRetry(options: RetryOptions = defaultRetry): RetryPolicy {
  return retry(
    handleWhen((e) => isFlowError(e) && e.kind === 'transient'),
    {
      maxAttempts: Math.max(0, options.maxAttempts - 1),
      backoff: new ExponentialBackoff({ initialDelay: options.initialDelayMs, maxDelay: options.maxDelayMs }),
    },
  );
}
