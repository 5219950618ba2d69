/**
 * The RunQueue port: runs are requested as data. Every producer — the scheduler, the webhook trigger,
 * `syncline run`, `POST /flows/<flow>/runs`, auto-retry and a pipeline's `next:` — enqueues a
 * `RunRequest`; a worker consumes them and calls the engine. One implementation today
 * (`in-process-queue.ts`); a BullMQ one can follow without touching the producers, and both run
 * `test/queue/run-queue-conformance.ts`.
 */

/**
 * Who asked for a run. Stored on the run row (a `next` request as `flow:<after>`, as before).
 * `manual`: `POST /flows/<flow>/runs`; `cli`: `syncline run`; `retry`: auto-retry and `syncline errors retry`.
 */
export type RunTrigger = 'schedule' | 'webhook' | 'manual' | 'retry' | 'next' | 'cli';

/** A request for one run of one flow: plain JSON, so it can travel through Redis as it is. */
export interface RunRequest {
  /**
   * The flow file the flow is read from (its path as loaded): a worker on another machine loads the
   * project from it; the in-process worker refuses a request for another file than its project's.
   */
  readonly file: string;
  readonly flow: string;
  readonly trigger: RunTrigger;
  /** Ignore (and discard) the stored checkpoint: read the source from the beginning. */
  readonly fromStart: boolean;
  /** Delta sync: ignore the watermark this time. */
  readonly full: boolean;
  /** Overrides of the flow's `errorThreshold:` for this run (`syncline run --max-errors`). */
  readonly errorThreshold?: { readonly maxErrors?: number; readonly maxErrorRate?: number };
  /** When it was requested (ISO 8601). */
  readonly requestedAt: string;
  /** For `next`: the pipeline stage whose completed run handed records on to this flow. */
  readonly after?: string;
  /** The request whose run led to this one (a `next:` stage, a retry's stages), when there is one. */
  readonly parent?: string;
}

export type Overlap = 'skip' | 'queue';

export interface EnqueueOptions {
  /**
   * A request with the same key that is still waiting (not yet running) absorbs this one: nothing
   * is added and its id is returned (`deduped`). Without a key, requests never merge.
   */
  readonly dedupeKey?: string;
  /**
   * What to do while a request of the same flow is waiting or running: `skip` refuses this one
   * (`skipped`, nothing added), `queue` (default) lets it wait for its turn. Runs of one flow never
   * run at the same time either way.
   */
  readonly overlap?: Overlap;
}

/**
 * What became of an enqueued request. `accepted`: nothing of its flow is ahead of it; `queued`: it
 * waits for a request of its flow; `deduped`: merged into the waiting request with the same key (whose
 * id this is); `skipped`: refused by `overlap: skip`, nothing was added. `running` names the request
 * of the flow that is running, if one is.
 */
export type Enqueued =
  | { readonly outcome: 'accepted' | 'queued' | 'deduped'; readonly id: string; readonly running?: string }
  | { readonly outcome: 'skipped'; readonly running?: string };

/** A request handed to a consumer. */
export interface QueuedRun {
  readonly id: string;
  readonly request: RunRequest;
  /** Aborted when the request is canceled, or when the consumer stops. */
  readonly signal: AbortSignal;
}

export type RunRequestState = 'waiting' | 'running';

export interface RunQueue {
  enqueue(request: RunRequest, options?: EnqueueOptions): Promise<Enqueued>;
  /**
   * Hands requests to `handler` until `signal` aborts: in order of arrival, at most one running per
   * flow, flows side by side, never before the `enqueue` that added it resolved. Delivery is at least once: a request whose handler was interrupted
   * (a crash; in a distributed queue, a worker that vanished) may be handed out again, so the handler
   * must be idempotent — a run is: a second one goes on from the checkpoint. A handler that throws
   * ends its request (the error is the handler's to report) and the consumer goes on.
   * When `signal` aborts, no new request is handed out, the running handlers' signals abort, and
   * the returned promise resolves once they have returned. Requests still waiting stay queued.
   */
  consume(handler: (run: QueuedRun) => Promise<void>, signal: AbortSignal): Promise<void>;
  /** A waiting request is dropped (`dropped`); a running one has its signal aborted (`aborting`). */
  cancel(id: string): Promise<'dropped' | 'aborting' | 'unknown'>;
  /** The requests waiting and running, oldest first. */
  list(): Promise<{ id: string; request: RunRequest; state: RunRequestState }[]>;
}
