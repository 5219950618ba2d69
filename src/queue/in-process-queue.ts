import type { Enqueued, EnqueueOptions, QueuedRun, RunQueue, RunRequest, RunRequestState } from './run-queue.js';

interface Entry {
  readonly id: string;
  readonly request: RunRequest;
  readonly key: string | undefined;
  state: RunRequestState;
  controller?: AbortController;
}

interface Consumer {
  readonly handler: (run: QueuedRun) => Promise<void>;
  readonly running: Map<string, Promise<void>>;
}

/**
 * The RunQueue of one process (`syncline run`, `syncline serve`): requests live in memory, in order
 * of arrival; at most one request of a flow runs at a time, different flows run side by side. This is
 * where the flow's `overlap:` is applied: `skip` refuses a request while one of its flow waits or
 * runs, `queue` lets it wait (and a dedupe key folds repeated requests into the one still waiting).
 * Not durable: what waits when the process stops is gone — the schedules fire again and webhook
 * events wait in the store's inbox, which the next start handles.
 */
export function createInProcessQueue(): RunQueue {
  const entries: Entry[] = []; // waiting and running, oldest first
  let consumer: Consumer | undefined;
  let next = 0;

  const remove = (entry: Entry) => {
    const i = entries.indexOf(entry);
    if (i >= 0) entries.splice(i, 1);
  };

  const start = (c: Consumer, entry: Entry) => {
    const controller = new AbortController();
    entry.state = 'running';
    entry.controller = controller;
    // handed out on a later turn of the event loop: never before `enqueue` resolved
    const done = new Promise<void>((resolve) => setImmediate(resolve))
      .then(() => c.handler({ id: entry.id, request: entry.request, signal: controller.signal }))
      .catch(() => undefined) // the handler reports its own failures; the consumer goes on
      .finally(() => {
        remove(entry);
        c.running.delete(entry.id);
        pump();
      });
    c.running.set(entry.id, done);
  };

  function pump() {
    const c = consumer;
    if (!c) return;
    const busy = new Set(entries.filter((e) => e.state === 'running').map((e) => e.request.flow));
    for (const entry of [...entries]) {
      if (entry.state !== 'waiting' || busy.has(entry.request.flow)) continue;
      busy.add(entry.request.flow);
      start(c, entry);
    }
  }

  return {
    async enqueue(request: RunRequest, options: EnqueueOptions = {}): Promise<Enqueued> {
      const same = entries.filter((e) => e.request.flow === request.flow);
      const running = same.find((e) => e.state === 'running')?.id;
      const ahead = running === undefined ? {} : { running };
      if (same.length > 0 && options.overlap === 'skip') return { outcome: 'skipped', ...ahead };
      const key = options.dedupeKey;
      const waiting = key === undefined ? undefined : entries.find((e) => e.state === 'waiting' && e.key === key);
      if (waiting) return { id: waiting.id, outcome: 'deduped', ...ahead };
      next += 1;
      const entry: Entry = { id: `r${next}`, request, key, state: 'waiting' };
      entries.push(entry);
      pump();
      return { id: entry.id, outcome: same.length > 0 ? 'queued' : 'accepted', ...ahead };
    },

    consume(handler, signal) {
      if (consumer) return Promise.reject(new Error('the in-process queue has a consumer already'));
      if (signal.aborted) return Promise.resolve();
      const c: Consumer = { handler, running: new Map() };
      consumer = c;
      pump();
      return new Promise<void>((resolve) => {
        signal.addEventListener(
          'abort',
          () => {
            consumer = undefined;
            for (const e of entries) if (e.state === 'running') e.controller?.abort();
            void Promise.all([...c.running.values()]).then(() => resolve());
          },
          { once: true },
        );
      });
    },

    async cancel(id) {
      const entry = entries.find((e) => e.id === id);
      if (!entry) return 'unknown';
      if (entry.state === 'waiting') {
        remove(entry);
        return 'dropped';
      }
      entry.controller?.abort();
      return 'aborting';
    },

    async list() {
      return entries.map((e) => ({ id: e.id, request: e.request, state: e.state }));
    },
  };
}
