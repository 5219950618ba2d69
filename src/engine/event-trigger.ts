import type { ProjectDefinition } from '../config/definition.js';
import { type Clock, inboxPosition, type Logger, type Receiver, type Timer, toFlowError } from '../sdk/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';

export interface EventTriggerOptions {
  readonly project: ProjectDefinition;
  readonly flow: string;
  readonly receiver: Receiver;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly log: Logger;
  /**
   * Requests a run of the flow (src/app/runs.ts) and resolves with it once it (and the `next:` stages
   * it leads to) ended; aborting `signal` cancels it.
   */
  request(run: { flow: string; trigger: 'webhook'; signal: AbortSignal }): Promise<RunRow>;
  /** Longest wait between attempts after failed runs (default 60 s). */
  readonly maxBackoffMs?: number;
}

/** Starts runs of a webhook flow as events arrive: micro-batches of `batchSize`, or after `maxWaitMs`. */
export interface EventTrigger {
  /** An event was persisted for this flow. */
  notify(): void;
  /** Handles what a crash left (waiting events, a run still marked running): runs at once when there is any. */
  start(): Promise<void>;
  /** Stops starting runs; cancels the current one at its next page boundary and waits for it. */
  stop(): Promise<void>;
  /** The run in progress, for tests and status. */
  readonly running: boolean;
}

const PURGE_EVERY_MS = 10 * 60_000;

export function createEventTrigger(o: EventTriggerOptions): EventTrigger {
  const { receiver, store, flow, log } = o;
  const abort = new AbortController();
  let waiting = 0; // events accepted since the current (or last) run started
  let timer: Timer | undefined;
  let running: Promise<void> | undefined;
  let failures = 0;
  let stopped = false;
  let lastPurge = 0;

  const schedule = (ms: number) => {
    if (timer !== undefined || stopped) return;
    timer = o.clock.setTimer(ms, () => {
      timer = undefined;
      begin();
    });
  };

  const pending = async (): Promise<boolean> => {
    const checkpoint = await store.getCheckpoint(flow);
    return (await store.readInbox(flow, inboxPosition(checkpoint?.checkpoint), 1)).length > 0;
  };

  const purge = async () => {
    const now = o.clock.now().getTime();
    if (now - lastPurge < PURGE_EVERY_MS) return;
    lastPurge = now;
    const checkpoint = await store.getCheckpoint(flow);
    const upTo = inboxPosition(checkpoint?.checkpoint);
    const removed = await store.purgeInbox(flow, upTo, new Date(now - receiver.retentionMs));
    if (removed > 0) log.info({ flow, removed }, 'removed handled webhook events past their retention');
  };

  const runOnce = async () => {
    try {
      const run = await o.request({ flow, trigger: 'webhook', signal: abort.signal });
      const stopped = run.status === 'failed' || run.status === 'paused';
      failures = stopped ? failures + 1 : 0;
      const fields = { flow, run: run.id, status: run.status, read: run.counts.read, failed: run.counts.failed };
      if (stopped) log.error({ ...fields, error: run.error }, 'webhook run failed; events stay in the inbox');
      else log.info(fields, 'webhook run finished');
      if (failures === 0) await purge();
    } catch (error) {
      failures += 1;
      const e = toFlowError(error);
      log.error({ flow, code: e.code, error: e.message }, 'webhook run could not start; events stay in the inbox');
    }
  };

  const afterRun = async () => {
    if (stopped) return;
    const more = waiting > 0 || (await pending().catch(() => true));
    if (!more) return;
    if (failures > 0) schedule(Math.min(o.maxBackoffMs ?? 60_000, 1000 * 2 ** (failures - 1)));
    else if (waiting >= receiver.batchSize || waiting === 0) begin();
    else schedule(receiver.maxWaitMs);
  };

  function begin() {
    timer?.cancel();
    timer = undefined;
    if (running || stopped) return;
    waiting = 0;
    running = runOnce()
      .then(() => {
        running = undefined;
        return afterRun();
      })
      .catch((error: unknown) => log.error({ flow, error: String(error) }, 'webhook trigger failed'));
  }

  return {
    get running() {
      return running !== undefined;
    },
    notify() {
      if (stopped) return;
      waiting += 1;
      if (running || failures > 0) return; // the end of the run (or the back-off) looks again
      if (waiting >= receiver.batchSize) begin();
      else schedule(receiver.maxWaitMs);
    },
    async start() {
      // also when a run was left `running` by a killed process: a new run marks it interrupted
      if ((await pending()) || (await store.activeRun(flow)) !== undefined) begin();
    },
    async stop() {
      stopped = true;
      timer?.cancel();
      timer = undefined;
      abort.abort();
      await running;
    },
  };
}
