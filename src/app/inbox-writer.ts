import type { InboxAdd, NewInboxEvent, StateStore } from '../store/state-store.js';

interface Waiting {
  readonly event: NewInboxEvent;
  resolve(add: InboxAdd): void;
  reject(error: unknown): void;
}

/** Persists events one caller at a time, as far as the caller can tell, in shared transactions. */
export interface InboxWriter {
  add(event: NewInboxEvent): Promise<InboxAdd>;
}

/**
 * Group commit for webhook events: the events of all requests that arrive while the store is busy
 * are written together in one transaction (at most `max` at a time), and each request is answered
 * only once its own event is committed. One insert per request would cap ingest at the store's
 * per-statement cost; this amortises it over every concurrent sender.
 */
export function createInboxWriter(store: StateStore, max = 1000): InboxWriter {
  const queue: Waiting[] = [];
  let busy = false;
  const flush = async () => {
    while (queue.length > 0) {
      const batch = queue.splice(0, max);
      try {
        const added = await store.addInboxEvents(batch.map((w) => w.event));
        for (const [i, w] of batch.entries()) w.resolve(added[i] as InboxAdd);
      } catch (error) {
        for (const w of batch) w.reject(error);
      }
    }
    busy = false;
  };
  return {
    add(event) {
      return new Promise<InboxAdd>((resolve, reject) => {
        queue.push({ event, resolve, reject });
        if (busy) return;
        busy = true;
        setImmediate(() => void flush());
      });
    },
  };
}
