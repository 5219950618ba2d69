import type { ProjectDefinition } from '../config/definition.js';
import type { RunEvents, RunOptions } from '../engine/index.js';
import type { EnqueueOptions, QueuedRun, RunQueue, RunRequest, RunRequestState, RunTrigger } from '../queue/index.js';
import { type Clock, FlowError, type Logger, toFlowError } from '../sdk/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';
import { type RunOutcome, runWorker, storedTrigger } from './run-worker.js';

export interface RunServiceOptions {
  readonly queue: RunQueue;
  readonly project: ProjectDefinition;
  /** Records skipped starts. */
  readonly store: StateStore;
  readonly clock: Clock;
  readonly log: Logger;
  /** Recorded on skipped runs (as on the runs themselves). */
  readonly host: string;
  readonly pid: number;
  /** The engine's events: a request's run is known by its `run.started` (its `requestId`). */
  readonly events: RunEvents;
  /** The engine's `run`: one run of one flow, to its end. */
  run(project: ProjectDefinition, flow: string, options: RunOptions): Promise<RunRow>;
}

/** What a producer asks for; the service makes it a `RunRequest`. */
export interface RunInput {
  readonly flow: string;
  readonly trigger: RunTrigger;
  readonly fromStart?: boolean;
  readonly full?: boolean;
  readonly errorThreshold?: RunRequest['errorThreshold'];
}

export interface RequestOptions {
  /** Aborting it cancels the request and the stages it led to. */
  readonly signal?: AbortSignal;
}

/** `started`: nothing of the flow was ahead; `queued`: it runs after the active run; `skipped`: `overlap: skip` refused it (recorded as a skipped run). */
export type Requested =
  | { readonly outcome: 'started' | 'queued'; readonly id: string }
  | { readonly outcome: 'skipped'; readonly why: string };

export interface PendingRun {
  readonly id: string;
  readonly request: RunRequest;
  readonly state: RunRequestState;
  /** Once its run started and committed a page. */
  readonly runId?: number;
}

/** Runs, as a use case: request, wait, cancel (the runs recorded are `runHistory`'s). */
export interface RunService {
  /** Enqueues a request for a run; the worker runs it when its flow's turn comes. */
  request(input: RunInput, options?: RequestOptions): Promise<Requested>;
  /**
   * The run of a request and those of the pipeline stages it led to, depth first (a flow, then each
   * `next:` stage with its own), once all ended; rejects with what kept one from running. Empty when
   * it was canceled before it ran.
   */
  wait(id: string): Promise<RunRow[]>;
  /** `request` then `wait`; a skipped request is a `RUN_SKIPPED` error. */
  requestAndWait(input: RunInput, options?: RequestOptions): Promise<RunRow[]>;
  /** Waiting: dropped; running: canceled at its next page boundary. The stages it led to go with it. */
  cancel(id: string): Promise<'dropped' | 'canceling' | 'unknown'>;
  /** The requests waiting and running in the queue. */
  pending(): Promise<PendingRun[]>;
  /** Starts the worker loop. */
  start(): void;
  /** Stops the worker: running runs are canceled at their next page boundary and awaited; waiters of requests that did not run get nothing. */
  stop(): Promise<void>;
}

interface Tracked {
  readonly request: RunRequest;
  /** The caller waits and reports the end itself (`syncline run`, the webhook trigger); else the service logs it. */
  readonly quiet: boolean;
  runId?: number;
  outcome?: RunOutcome;
  readonly done: Promise<RunOutcome>;
  readonly settle: (outcome: RunOutcome) => void;
}

type Waited = RequestOptions & { readonly waited?: boolean };

/** How many settled requests stay known (for `wait` after the end); older ones are forgotten. */
const KEEP_SETTLED = 1000;

const starts: readonly RunTrigger[] = ['schedule', 'manual'];

/**
 * The runs service: every producer's requests go through `request`, which applies the flow's
 * `overlap:` (scheduled and manual starts: `skip` by default — recorded as a `skipped` run — or
 * `queue`, one more run after the active one) and records what the worker reports. The worker
 * (`run-worker.ts`) runs each request and requests the `next:` stages of a completed run.
 */
export function createRunService(o: RunServiceOptions): RunService {
  const { queue, project, log } = o;
  const tracked = new Map<string, Tracked>();
  const settledIds: string[] = [];
  const worker = new AbortController();
  let working: Promise<void> | undefined;
  let stopped = false;
  // a request's run id, once its run started (shown by `pending`)
  const unsubscribe = o.events.subscribe((event) => {
    if (event.type !== 'run.started' || event.requestId === undefined) return;
    const t = tracked.get(event.requestId);
    if (t) t.runId = event.runId;
  });

  const quietOf = (request: RunRequest): boolean => {
    if (request.trigger === 'cli' || request.trigger === 'webhook') return true;
    const parent = request.parent === undefined ? undefined : tracked.get(request.parent);
    return parent?.quiet ?? false;
  };

  const track = (id: string, request: RunRequest, waited = false): Tracked => {
    const known = tracked.get(id);
    if (known) return known;
    let settle: (outcome: RunOutcome) => void = () => undefined;
    const done = new Promise<RunOutcome>((resolve) => {
      settle = resolve;
    });
    const t: Tracked = { request, quiet: waited || quietOf(request), done, settle };
    tracked.set(id, t);
    return t;
  };

  const recordSkip = async (request: RunRequest, why: string) => {
    await o.store
      .recordSkippedRun(
        {
          flow: request.flow,
          trigger: storedTrigger(request),
          flowFile: project.file,
          host: o.host,
          pid: o.pid,
          startedAt: o.clock.now(),
          resumedFrom: null,
        },
        { code: 'RUN_SKIPPED', message: why },
      )
      .catch((error: unknown) =>
        log.error({ flow: request.flow, error: String(error) }, 'could not record a skipped run'),
      );
    log.warn({ flow: request.flow, trigger: request.trigger }, `run of flow ${request.flow} skipped: ${why}`);
  };

  const report = (request: RunRequest, outcome: RunOutcome) => {
    const { flow } = request;
    if ('run' in outcome) {
      const { run } = outcome;
      log.info({ flow, run: run.id, status: run.status, read: run.counts.read }, `run of flow ${flow} ended`);
    } else if ('error' in outcome) {
      const e = toFlowError(outcome.error);
      if (e.code === 'RUN_ALREADY_ACTIVE' && starts.includes(request.trigger)) void recordSkip(request, e.message);
      else if (e.code === 'RUN_ALREADY_ACTIVE' && request.trigger === 'retry')
        return; // its next run delivers them
      else log.error({ flow, code: e.code, error: e.message }, `run of flow ${flow} could not start`);
    }
  };

  const settle = (id: string, request: RunRequest, outcome: RunOutcome) => {
    const t = track(id, request);
    if (t.outcome) return;
    t.outcome = outcome;
    t.settle(outcome);
    settledIds.push(id);
    while (settledIds.length > KEEP_SETTLED) tracked.delete(settledIds.shift() as string);
    if (!t.quiet) report(request, outcome);
  };

  const policy = (request: RunRequest): EnqueueOptions => {
    if (starts.includes(request.trigger)) {
      const overlap = project.flows[request.flow]?.overlap ?? project.syncs?.[request.flow]?.overlap;
      return { overlap: overlap ?? 'skip', dedupeKey: `start:${request.flow}` };
    }
    if (request.trigger === 'cli') return { overlap: 'queue' };
    return { overlap: 'queue', dedupeKey: `${request.trigger}:${request.flow}` };
  };

  /** `waited`: the caller waits for the request (`requestAndWait`) and reports its end itself. */
  async function enqueue(request: RunRequest, options: Waited): Promise<Requested> {
    if (stopped) {
      throw new FlowError('CANCELED', `no run of flow ${request.flow} was started: the service is stopping`);
    }
    const enqueueOptions = policy(request);
    const enqueued = await queue.enqueue(request, enqueueOptions);
    o.events.publish({
      type: 'run.requested',
      flow: request.flow,
      at: o.clock.now(),
      trigger: storedTrigger(request),
      fromStart: request.fromStart,
      full: request.full,
      ...(enqueueOptions.dedupeKey === undefined ? {} : { dedupeKey: enqueueOptions.dedupeKey }),
      outcome: enqueued.outcome,
      ...('id' in enqueued ? { requestId: enqueued.id } : {}),
    });
    if (enqueued.outcome === 'skipped') {
      const runId = enqueued.running === undefined ? undefined : tracked.get(enqueued.running)?.runId;
      const why = `run ${runId ?? '(starting)'} of the flow was still running`;
      await recordSkip(request, why);
      return { outcome: 'skipped', why };
    }
    const { id } = enqueued;
    const t = track(id, request, options.waited);
    const { signal } = options;
    if (signal) {
      const onAbort = () => void cancel(id);
      if (signal.aborted) onAbort();
      else {
        signal.addEventListener('abort', onAbort, { once: true });
        void t.done.then(() => signal.removeEventListener('abort', onAbort));
      }
    }
    return { outcome: enqueued.outcome === 'accepted' ? 'started' : 'queued', id };
  }

  const request = (input: RunInput, options: Waited = {}) =>
    enqueue(
      {
        file: project.file,
        flow: input.flow,
        trigger: input.trigger,
        fromStart: input.fromStart === true,
        full: input.full === true,
        ...(input.errorThreshold && Object.keys(input.errorThreshold).length > 0
          ? { errorThreshold: input.errorThreshold }
          : {}),
        requestedAt: o.clock.now().toISOString(),
      },
      options,
    );

  const requestNext = async (stage: string, parent: QueuedRun): Promise<string | undefined> => {
    const { errorThreshold } = parent.request;
    const requested = await enqueue(
      {
        file: parent.request.file,
        flow: stage,
        trigger: 'next',
        fromStart: false,
        full: false,
        ...(errorThreshold ? { errorThreshold } : {}),
        requestedAt: o.clock.now().toISOString(),
        after: parent.request.flow,
        parent: parent.id,
      },
      {},
    );
    return requested.outcome === 'skipped' ? undefined : requested.id;
  };

  async function wait(id: string): Promise<RunRow[]> {
    const t = tracked.get(id);
    if (!t) throw new Error(`no run request ${id} is known here`);
    const outcome = await t.done;
    if ('error' in outcome) throw outcome.error;
    if ('dropped' in outcome) return [];
    const stages = await Promise.all(outcome.next.map((n) => wait(n)));
    return [outcome.run, ...stages.flat()];
  }

  async function cancel(id: string): Promise<'dropped' | 'canceling' | 'unknown'> {
    const t = tracked.get(id);
    const result = await queue.cancel(id);
    if (result === 'dropped' && t) settle(id, t.request, { dropped: true });
    const outcome = t?.outcome;
    if (outcome && 'next' in outcome) for (const n of outcome.next) await cancel(n);
    return result === 'aborting' ? 'canceling' : result;
  }

  return {
    request,
    wait,
    async requestAndWait(input, options) {
      const requested = await request(input, { ...options, waited: true });
      if (requested.outcome === 'skipped') {
        throw new FlowError('RUN_SKIPPED', `run of flow ${input.flow} skipped: ${requested.why}`);
      }
      return wait(requested.id);
    },
    cancel,
    async pending() {
      return (await queue.list()).map((e) => {
        const runId = tracked.get(e.id)?.runId;
        return { ...e, ...(runId === undefined ? {} : { runId }) };
      });
    },
    start() {
      if (working || stopped) return;
      working = runWorker(
        {
          queue,
          project,
          run: o.run,
          requestNext,
          settled: (run, outcome) => settle(run.id, run.request, outcome),
        },
        worker.signal,
      );
    },
    async stop() {
      stopped = true;
      worker.abort();
      await working;
      unsubscribe();
      for (const [id, t] of tracked) if (!t.outcome) settle(id, t.request, { dropped: true });
    },
  };
}
