import type { SyncDefinition } from '../../config/definition.js';
import { type Clock, type Page, parseDuration } from '../../sdk/index.js';
import { withTimeout } from '../call-timeout.js';
import { DEFAULT_READ_TIMEOUT } from '../run-flow.js';
import type { OpenSide } from './sync-side.js';

/**
 * A side's pages, each waited for at most the sync's `timeouts.read` (default 10 minutes, as a flow's
 * source): a side that stops answering fails the run with TIMEOUT instead of holding its lease; a
 * canceled run (or one past `timeouts.run`) stops waiting at once.
 */
export async function* sidePages(
  def: SyncDefinition,
  side: OpenSide,
  pages: AsyncIterable<Page>,
  clock: Clock,
  signal: AbortSignal,
): AsyncGenerator<Page> {
  const limit = parseDuration(def.timeouts?.read ?? DEFAULT_READ_TIMEOUT) ?? 600_000;
  const what = `waiting for the next page of side ${side.def.side} (${side.def.source.type})`;
  const it = pages[Symbol.asyncIterator]();
  let stalled = false;
  try {
    for (;;) {
      const next = it.next();
      const result = await withTimeout(clock, limit, what, () => abortable(next, signal)).catch((e: unknown) => {
        stalled = true;
        throw e;
      });
      if (result.done) return;
      yield result.value;
    }
  } finally {
    // a stalled read is not waited for (its return would queue behind it); any other is closed
    const closing = it.return?.(undefined)?.catch(() => undefined);
    if (!stalled) await closing;
  }
}

/** The promise, or the signal's reason as soon as it aborts. */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
