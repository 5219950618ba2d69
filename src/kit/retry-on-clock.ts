import type { Clock } from '../sdk/clock.js';

export interface RetryOnClockOptions {
  /** Calls in all, the first included. */
  readonly maxAttempts: number;
  /** Whether a failure is worth another attempt. */
  readonly retryable: (error: unknown) => boolean;
  /** The wait before retry `attempt` (1 = the wait after the first failure), given the failure. */
  readonly delay: (attempt: number, error: unknown) => number;
  /** Told before each wait. */
  readonly onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  readonly clock: Clock;
  readonly signal?: AbortSignal;
}

/**
 * Calls `call` until it succeeds, fails with an error that is not retryable, or `maxAttempts` calls
 * failed; the waits in between are slept on the clock (a manual clock in tests), and a signal that
 * aborts ends the wait at once, failing with the last error. The engine's destination retries and
 * the connectors that retry on their own (an HTTP source's Retry-After) share it.
 */
export async function retryOnClock<T>(call: (attempt: number) => Promise<T>, o: RetryOnClockOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await call(attempt);
    } catch (error) {
      if (attempt + 1 >= o.maxAttempts || !o.retryable(error) || o.signal?.aborted) throw error;
      const wait = Math.max(0, o.delay(attempt + 1, error));
      o.onRetry?.(attempt + 1, wait, error);
      try {
        if (wait > 0) await o.clock.sleep(wait, o.signal);
      } catch {
        throw error; // aborted while waiting: the failure stands
      }
    }
  }
}
