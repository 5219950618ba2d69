import { type Clock, FlowError, type Timer } from '../sdk/index.js';

/**
 * Runs `call`, failing with a transient TIMEOUT when it takes longer than `ms`: the caller stops
 * waiting, and the call's signal is aborted so that it can stop its own work. A plain timer race:
 * cockatiel's timeout policy did the same at about four times the cost per call, which showed on
 * the hot path (one call per page read and per batch written). The limit is a timer on the
 * injected clock, so a manual clock makes a call time out without waiting.
 */
const KEEP_ALIVE = { keepAlive: true } as const;

export async function withTimeout<T>(
  clock: Clock,
  ms: number,
  what: string,
  call: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const controller = new AbortController();
  let timer: Timer | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = clock.setTimer(
      ms,
      () => {
        const error = new FlowError('TIMEOUT', `${what} took longer than ${formatMs(ms)}`);
        controller.abort(error);
        reject(error);
      },
      KEEP_ALIVE,
    );
  });
  try {
    return await Promise.race([call(controller.signal), expired]);
  } finally {
    timer?.cancel();
  }
}

export function formatMs(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}
