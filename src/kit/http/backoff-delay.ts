import { isFlowError } from '../../sdk/errors.js';

/**
 * The wait before retry `attempt` (1-based): exponential from `baseMs`, capped at `maxMs`, and never
 * shorter than a server's Retry-After carried by the error (`retryAfterMs`). One rule for the engine
 * and every connector that retries on its own.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, error?: unknown): number {
  const exponential = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const retryAfter = isFlowError(error) ? (error.retryAfterMs ?? 0) : 0;
  return Math.max(exponential, retryAfter);
}
