import { TaskCancelledError, TimeoutStrategy, timeout } from 'cockatiel';
import { FlowError } from '../sdk/index.js';

/**
 * Runs `call`, failing with a transient TIMEOUT when it takes longer than `ms` (cockatiel's aggressive
 * timeout: the caller stops waiting; the call gets the abort signal to stop its own work).
 */
export async function withTimeout<T>(ms: number, what: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
  try {
    return await timeout(ms, TimeoutStrategy.Aggressive).execute(({ signal }) => call(signal));
  } catch (error) {
    if (error instanceof TaskCancelledError) {
      throw new FlowError('TIMEOUT', `${what} took longer than ${formatMs(ms)}`, { cause: error });
    }
    throw error;
  }
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
