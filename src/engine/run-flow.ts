import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import {
  type Clock,
  FlowError,
  type Logger,
  type Metrics,
  parseDuration,
  type TokenStore,
  toFlowError,
} from '../sdk/index.js';
import type { RunCounts, RunRow, RunStatus, StateStore } from '../store/state-store.js';
import type { Breakers } from './breakers.js';
import type { Bulkheads } from './bulkheads.js';
import type { ConnectionPool } from './connection-pool.js';
import { type DeltaRun, planDelta, WATERMARK_SOURCE } from './delta-sync.js';
import { endJob, endRun } from './end-run.js';
import { createErrorTally, type ErrorThreshold, resolveErrorThreshold } from './error-threshold.js';
import { flowInbox } from './make-context.js';
import { flowMessageMask } from './message-mask.js';
import { openFlow } from './open-flow.js';
import { pageAnchor } from './page-anchor.js';
import { createPageHandler, type PageHandler } from './page-handler.js';
import { type ReadFraction, readPages } from './read-pages.js';
import type { Registry } from './registry.js';
import type { RetryOptions } from './retry-policy.js';
import { cloneCounts, emptyCounts } from './run-counts.js';
import type { RunEventPublisher } from './run-events.js';
import { failsRun } from './run-watch.js';
import { startRun } from './start-run.js';

export interface RunDeps {
  registry: Registry;
  pool: ConnectionPool;
  store: StateStore;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  retry: RetryOptions;
  breakers: Breakers;
  bulkheads: Bulkheads;
  /** Where the run's events go (engine.events). */
  events: RunEventPublisher;
  /** The host and pid runs are recorded on; with this process's instance id, the owner of their leases. */
  host: string;
  pid: number;
  tokens?: TokenStore;
  /** The lease window (default RUN_LEASE_MS). */
  leaseMs?: number;
}

export interface RunOptions {
  /** The run request this run serves: given back in its `run.started` event (src/app/runs.ts). */
  requestId?: string;
  /** Who asked for the run, recorded on its row: a run request's trigger (`schedule`, `cli`, `flow:<stage>`, …). */
  trigger: string;
  signal?: AbortSignal;
  /** Ignore (and discard) a stored checkpoint: read the source from the beginning. */
  fromStart?: boolean;
  /** Interval of heartbeats (lease renewals) while a page is being handled (default RUN_HEARTBEAT_MS). */
  heartbeatMs?: number;
  /** Delta sync: read everything this time (the watermark is ignored, then moved as usual). */
  full?: boolean;
  /** Overrides the flow's `errorThreshold:` for this run (`syncline run --max-errors`). */
  errorThreshold?: Partial<ErrorThreshold>;
}

/** How long the source may take to deliver its next page (flow `timeouts.read`). */
export const DEFAULT_READ_TIMEOUT = '10m';

/** Runs one flow to the end (or until canceled), committing each page's checkpoint only after every destination handled it. */
export async function runFlow(
  deps: RunDeps,
  project: ProjectDefinition,
  flow: FlowDefinition,
  options: RunOptions,
): Promise<RunRow> {
  const { store, clock } = deps;
  const mask = flowMessageMask(project, flow);
  const { claimed, started, watch, ctx } = await startRun(deps, project, flow, options, flowInbox(store, flow.name));
  const { run, lease } = claimed;
  const stored = claimed.checkpoint;
  const { signal } = watch;
  const counts = emptyCounts(
    flow.steps.map((s) => s.name),
    flow.destinations.map((d) => d.name),
  );
  let handler: PageHandler | undefined;
  const publishProgress = (read: ReadFraction | undefined) => {
    const at = clock.now();
    deps.events.publish({
      type: 'run.progress',
      flow: flow.name,
      at,
      runId: run.id,
      pages: handler?.pages ?? 0,
      counts: cloneCounts(counts),
      elapsedMs: at.getTime() - started.getTime(),
      resumedFrom: run.resumedFrom,
      ...(read ?? {}),
    });
  };
  let status: RunStatus = 'running';
  let runError: FlowError | undefined;
  let delta: DeltaRun | undefined;
  const open = await openFlow(deps.registry, deps.pool, project, flow, ctx, {
    retry: deps.retry,
    breakers: deps.breakers,
    bulkheads: deps.bulkheads,
    reopenUnavailable: true,
    check: true,
  }).catch((e: unknown) => {
    runError = toFlowError(e);
    return undefined;
  });
  try {
    if (open) {
      const source = deps.registry.source(flow.source.type);
      if (flow.source.delta) {
        delta = planDelta(
          flow.name,
          flow.source.delta,
          await store.getWatermark(flow.name, WATERMARK_SOURCE),
          {
            resuming: stored !== undefined,
            full: options.full === true,
            now: started,
            ...(flow.timezone ? { flowZone: flow.timezone } : {}),
          },
          flow.source.where,
        );
        counts.delta = { full: delta.full, since: delta.since ?? null, reason: delta.reason };
        ctx.log.info({ since: delta.since ?? null, full: delta.full }, `delta sync: ${delta.reason}`);
      }
      const tally = createErrorTally(resolveErrorThreshold(flow, options.errorThreshold), {
        flow: flow.name,
        runId: run.id,
      });
      const once = flow.source.once;
      handler = createPageHandler({
        open,
        flow,
        source,
        runId: run.id,
        store,
        clock,
        ctx,
        counts,
        mask,
        lease,
        tally,
        events: deps.events,
        pagesInFlight: flow.concurrency?.pages ?? 1,
        pageAnchor: await pageAnchor(store, flow.name, run.id, stored, options.fromStart === true),
        ...(delta ? { delta } : {}),
      });
      const read = await readPages({
        pages: source
          .read(
            {
              config: flow.source.config,
              connection: open.connection(flow.source.connection),
              ...(stored ? { from: stored.checkpoint } : {}),
              ...(delta?.since === undefined ? {} : { since: delta.since }),
              ...(flow.source.delta ? { cursorField: flow.source.delta.field } : {}),
              ...(once ? { once } : {}),
            },
            ctx,
          )
          [Symbol.asyncIterator](),
        handler,
        clock,
        readLimitMs: parseDuration(flow.timeouts?.read ?? DEFAULT_READ_TIMEOUT) ?? 600_000,
        waitingFor: `waiting for the next page of ${flow.source.type}`,
        signal,
        resumed: stored !== undefined,
        checkpoint: stored?.checkpoint,
        tally,
        counts,
        onPage: publishProgress,
      });
      await handler.drain(); // every page read is written and committed (also when canceled: the page finishes)
      // counted again: the pages that were in flight are committed now
      if (read.tooManyErrors && !signal.aborted) throw tally.exceeded(counts.read) ?? read.tooManyErrors;
      if (signal.aborted) {
        status = failsRun(signal.reason) ? 'failed' : 'canceled';
        runError = signal.reason instanceof FlowError ? signal.reason : new FlowError('CANCELED', 'canceled');
      } else {
        if (open.steps.some((st) => st.processor.flush !== undefined)) {
          await handler.handle(
            { records: [], ...(read.checkpoint === undefined ? {} : { checkpoint: read.checkpoint }) },
            { flush: true },
          );
          await handler.drain();
        }
        await open.close('ok');
        status = counts.failed > 0 ? 'completed_with_errors' : 'succeeded';
      }
    }
  } catch (error) {
    runError = toFlowError(error, `flow ${flow.name}`);
    if (signal.aborted && signal.reason instanceof FlowError) runError = signal.reason;
    status = signal.aborted && !failsRun(signal.reason) ? 'canceled' : runError.code === 'PAUSED' ? 'paused' : 'failed';
  } finally {
    watch.stop();
    await handler?.drain().catch(() => undefined); // no write may outlive its writer
    await open?.close('abort').catch(() => undefined);
  }
  if (runError && status === 'running') status = 'failed';
  const pages = handler?.pages ?? 0;
  return endRun(deps, {
    run,
    lease,
    job: endJob(deps.registry, flow),
    status,
    error: runError,
    counts,
    pages,
    delta,
    started,
    mask,
  });
}

export type { RunCounts };
