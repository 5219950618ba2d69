import type { Writer } from '../sdk/index.js';

/**
 * The writer of a destination that could not be opened when the run started (its server refused the
 * connection, did not answer): each write first opens it again, so that the attempt runs inside the
 * destination's retry policy and circuit breaker like any write. A spoke that is down from the first
 * page is thus handled like one that went down mid-run: isolated (its records kept as transient
 * error records) or waited for, then paused; and it is back as soon as an open succeeds.
 */
export function reopeningWriter(open: () => Promise<Writer>): Writer {
  let writer: Writer | undefined;
  let opening: Promise<Writer> | undefined;
  const ready = (): Promise<Writer> => {
    if (writer) return Promise.resolve(writer);
    // parallel batches share one attempt; a failed attempt is forgotten, so the next write tries again
    opening ??= open().then(
      (w) => {
        writer = w;
        return w;
      },
      (error: unknown) => {
        opening = undefined;
        throw error;
      },
    );
    return opening;
  };
  const settled = async () => {
    await opening?.catch(() => undefined);
    return writer;
  };
  return {
    async write(records, ctx) {
      return (await ready()).write(records, ctx);
    },
    async close(ctx) {
      await (await settled())?.close(ctx);
    },
    async abort(ctx) {
      const w = await settled();
      if (w) await (w.abort ?? w.close).call(w, ctx);
    },
  };
}
