import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import {
  type Clock,
  FlowError,
  inboxPosition,
  type Json,
  type Logger,
  type Metrics,
  parseDuration,
  RUN_HEARTBEAT_MS,
  RUN_LEASE_MS,
  runOwner,
  type TokenStore,
  toFlowError,
} from '../sdk/index.js';
import type { RunCounts, RunRow, RunStatus, StartedRun, StateStore } from '../store/state-store.js';
import type { Breakers } from './breakers.js';
import type { Bulkheads } from './bulkheads.js';
import { formatMs, withTimeout } from './call-timeout.js';
import type { ConnectionPool } from './connection-pool.js';
import { type DeltaRun, planDelta, WATERMARK_SOURCE } from './delta-sync.js';
import { createErrorTally, type ErrorThreshold, resolveErrorThreshold } from './error-threshold.js';
import { flowInbox, makeContext, storeState } from './make-context.js';
import { flowMessageMask } from './message-mask.js';
import { openFlow } from './open-flow.js';
import { pageAnchor } from './page-anchor.js';
import { createPageHandler, type PageHandler } from './page-handler.js';
import { ownerGone, type Self } from './process-gone.js';
import type { Registry } from './registry.js';
import type { RetryOptions } from './retry-policy.js';
import { cloneCounts, emptyCounts } from './run-counts.js';
import type { RunEventPublisher } from './run-events.js';

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

/**
 * Claims the flow's lease for this process and starts the run under it (docs/architecture.md, Run
 * ownership): refused (RUN_ALREADY_ACTIVE) while another claim holds the flow. A lease whose owner is
 * known gone (a dead pid on this host: a killed run) is taken over at once, any other only once it
 * lapsed; either way the token grows and the old holder's writes fail from then on.
 */
async function claim(deps: RunDeps, project: ProjectDefinition, flow: string, options: RunOptions, now: Date) {
  const self: Self = { host: deps.host, pid: deps.pid, owner: runOwner(deps.host, deps.pid) };
  const until = new Date(now.getTime() + (deps.leaseMs ?? RUN_LEASE_MS));
  const held = await deps.store.getLease(flow);
  // a hint: the store takes the lease over only if it still has this token
  const takeOver = held?.owner && held.expiresAt > now && ownerGone(held.owner, self) ? held.token : undefined;
  const lease = await deps.store.claimLease(flow, self.owner, until, {
    at: now,
    ...(takeOver === undefined ? {} : { takeOver }),
  });
  try {
    return await deps.store.startRun({
      lease,
      trigger: options.trigger,
      flowFile: project.file,
      host: deps.host,
      pid: deps.pid,
      startedAt: now,
      ...(options.fromStart ? { fromStart: true } : {}),
    });
  } catch (error) {
    await deps.store.releaseLease(lease, now).catch(() => undefined);
    throw error;
  }
}

/** Abort reasons that fail the run (a timeout, a lost lease); any other abort cancels it. */
const failsRun = (reason: unknown) =>
  reason instanceof FlowError && (reason.code === 'RUN_TIMEOUT' || reason.code === 'RUN_LEASE_LOST');
const leaseLost = (error: FlowError | undefined) => error?.code === 'RUN_LEASE_LOST';

/** A pipeline stage's handed-on records, once read and committed, leave the store. */
async function purgeHandled(store: StateStore, flow: string, now: Date): Promise<void> {
  const position = inboxPosition((await store.getCheckpoint(flow))?.checkpoint);
  if (position > 0) await store.purgeInbox(flow, position, new Date(now.getTime() + 1));
}

/** Runs one flow to the end (or until canceled), committing each page's checkpoint only after every destination handled it. */
export async function runFlow(
  deps: RunDeps,
  project: ProjectDefinition,
  flow: FlowDefinition,
  options: RunOptions,
): Promise<RunRow> {
  const { store, clock } = deps;
  const mask = flowMessageMask(project, flow);
  const started = clock.now();
  const claimed: StartedRun = await claim(deps, project, flow.name, options, started);
  const { run, lease } = claimed;
  const stored = claimed.checkpoint;
  if (claimed.replaced)
    deps.log.info({ runId: run.id }, `run ${claimed.replaced.id}: ${claimed.replaced.error?.message}`);
  deps.events.publish({
    type: 'run.started',
    flow: flow.name,
    at: started,
    runId: run.id,
    trigger: run.trigger,
    flowFile: run.flowFile,
    resumedFrom: run.resumedFrom,
    ...(claimed.replaced ? { replaced: claimed.replaced.id } : {}),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
  });
  const abort = new AbortController();
  const onAbort = () => abort.abort(new FlowError('CANCELED', `run ${run.id} of flow "${flow.name}" was canceled`));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const runLimitMs = flow.timeouts?.run === undefined ? undefined : parseDuration(flow.timeouts.run);
  const runTimer =
    runLimitMs === undefined
      ? undefined
      : clock.setTimer(
          runLimitMs,
          () =>
            abort.abort(
              new FlowError(
                'RUN_TIMEOUT',
                `run ${run.id} of flow "${flow.name}" took longer than ${formatMs(runLimitMs)} (timeouts.run)`,
              ),
            ),
          { keepAlive: true },
        );
  const readLimitMs = parseDuration(flow.timeouts?.read ?? DEFAULT_READ_TIMEOUT) ?? 600_000;
  const ctx = makeContext({
    runId: String(run.id),
    flow: flow.name,
    signal: abort.signal,
    clock,
    log: deps.log,
    metrics: deps.metrics,
    baseDir: project.baseDir,
    ...(deps.tokens ? { tokens: deps.tokens } : {}),
    inbox: flowInbox(store, flow.name),
    state: storeState(store, clock),
  });
  const counts = emptyCounts(
    flow.steps.map((s) => s.name),
    flow.destinations.map((d) => d.name),
  );
  // renews the lease between commits; a lost lease stops the run (its next write would fail anyway)
  const heartbeat = clock.every(options.heartbeatMs ?? RUN_HEARTBEAT_MS, () => {
    store.renewLease(lease, new Date(clock.now().getTime() + lease.ms)).catch((e: unknown) => {
      if (e instanceof FlowError && e.code === 'RUN_LEASE_LOST') abort.abort(e);
    });
  });
  const publishProgress = () => {
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
      ...(fraction === undefined ? {} : { fraction, startFraction: startFraction ?? 0 }),
    });
  };
  const ended = (row: RunRow): RunRow => {
    deps.events.publish({
      type: 'run.ended',
      flow: flow.name,
      at: clock.now(),
      runId: row.id,
      status: row.status,
      run: row,
    });
    return row;
  };
  let fraction: number | undefined;
  let startFraction: number | undefined;

  let handler: PageHandler | undefined;
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
      const sourceArgs = {
        config: flow.source.config,
        connection: open.connection(flow.source.connection),
      };
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
      let tooManyErrors: FlowError | undefined;
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
      const iterator = source
        .read(
          {
            ...sourceArgs,
            ...(stored ? { from: stored.checkpoint } : {}),
            ...(delta?.since === undefined ? {} : { since: delta.since }),
            ...(flow.source.delta ? { cursorField: flow.source.delta.field } : {}),
            ...(once ? { once } : {}),
          },
          ctx,
        )
        [Symbol.asyncIterator]();
      let lastCheckpoint: Json | undefined = stored?.checkpoint;
      let next = iterator.next();
      let stalled = false; // the source let timeouts.read pass: its pending read is not waited for
      try {
        while (!abort.signal.aborted) {
          const result = await withTimeout(
            clock,
            readLimitMs,
            `waiting for the next page of ${flow.source.type}`,
            () => next,
          ).catch((e: unknown) => {
            stalled = true;
            throw e;
          });
          if (result.done) break;
          next = iterator.next(); // read ahead one page while this one is handled
          next.catch(() => undefined);
          if (result.value.checkpoint !== undefined) lastCheckpoint = result.value.checkpoint;
          const progress = result.value.progress;
          if (progress !== undefined && progress.total > 0) {
            // a resumed run started part of the way in: its first page says where, near enough for an estimate
            startFraction ??= stored ? progress.done / progress.total : 0;
            fraction = Math.min(1, progress.done / progress.total);
          }
          await handler.handle(result.value);
          publishProgress();
          // the records nearly all fail: stop reading; the pages already read still commit
          tooManyErrors = tally.exceeded(counts.read);
          if (tooManyErrors) break;
        }
      } finally {
        const closing = iterator.return?.(undefined).catch(() => undefined);
        if (!stalled) await closing; // (a stalled one ends when its connection closes)
      }
      await handler.drain(); // every page read is written and committed (also when canceled: the page finishes)
      // counted again: the pages that were in flight are committed now
      if (tooManyErrors && !abort.signal.aborted) throw tally.exceeded(counts.read) ?? tooManyErrors;
      if (abort.signal.aborted) {
        status = failsRun(abort.signal.reason) ? 'failed' : 'canceled';
        runError =
          abort.signal.reason instanceof FlowError ? abort.signal.reason : new FlowError('CANCELED', 'canceled');
      } else {
        if (open.steps.some((st) => st.processor.flush !== undefined)) {
          await handler.handle(
            { records: [], ...(lastCheckpoint === undefined ? {} : { checkpoint: lastCheckpoint }) },
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
    if (abort.signal.aborted && abort.signal.reason instanceof FlowError) runError = abort.signal.reason;
    status =
      abort.signal.aborted && !failsRun(abort.signal.reason)
        ? 'canceled'
        : runError.code === 'PAUSED'
          ? 'paused'
          : 'failed';
  } finally {
    heartbeat.cancel();
    runTimer?.cancel();
    options.signal?.removeEventListener('abort', onAbort);
    await handler?.drain().catch(() => undefined); // no write may outlive its writer
    await open?.close('abort').catch(() => undefined);
  }
  if (runError && status === 'running') status = 'failed';
  // a finished run starts the next one over, except on a continuous source (an inbox): it goes on from there
  const continuous = deps.registry.source(flow.source.type).continuous === true;
  const completed = status === 'succeeded' || status === 'completed_with_errors';
  const endedAt = clock.now();
  const pages = handler?.pages ?? 0;
  const patch = {
    status,
    endedAt,
    heartbeatAt: endedAt,
    pages,
    counts: cloneCounts(counts),
    error: runError
      ? {
          code: runError.code,
          message: mask.text(runError.where ? `${runError.where}: ${runError.message}` : runError.message),
          ...(runError.hint ? { hint: mask.text(runError.hint) } : {}),
        }
      : null,
  };
  // one fenced transaction: the watermark, the checkpoint and the run's end, or (lease lost) none of them
  let lost = leaseLost(runError) ? runError : undefined;
  if (!lost) {
    try {
      await store.finishRun({
        runId: run.id,
        lease,
        patch,
        ...(completed && delta ? { watermark: { source: WATERMARK_SOURCE, value: delta.completed(started) } } : {}),
        ...(completed && !continuous ? { clearCheckpoint: true } : {}),
        at: endedAt,
      });
    } catch (error) {
      const e = toFlowError(error);
      if (e.code !== 'RUN_LEASE_LOST') throw e;
      lost = e;
    }
  }
  if (lost) {
    // another run holds the flow now: this one writes nothing more, and says so
    deps.log.error({ runId: run.id, code: lost.code }, lost.message);
    const lostRun: RunRow = { ...run, status: 'failed', endedAt, pages, counts: cloneCounts(counts) };
    lostRun.error = { code: lost.code, message: lost.message, ...(lost.hint ? { hint: lost.hint } : {}) };
    return ended(lostRun);
  }
  if (completed && flow.source.upstream !== undefined) await purgeHandled(store, flow.name, clock.now());
  // subscribers hear of it (a failed or paused run is notified): they never hold the run up
  return ended((await store.getRun(run.id)) ?? { ...run, status, endedAt, pages, counts });
}

export type { RunCounts };
