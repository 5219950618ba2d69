import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import {
  type Clock,
  FlowError,
  inboxPosition,
  type Json,
  type Logger,
  type Metrics,
  type Page,
  parseDuration,
  RUN_HEARTBEAT_MS,
  RUN_LEASE_MS,
  type TokenStore,
  toFlowError,
} from '../sdk/index.js';
import type { RunCounts, RunRow, RunStatus, StartedRun, StateStore } from '../store/state-store.js';
import type { Breakers } from './breakers.js';
import type { Bulkheads } from './bulkheads.js';
import { formatMs, withTimeout } from './call-timeout.js';
import type { ConnectionPool } from './connection-pool.js';
import { type DeltaRun, planDelta, WATERMARK_SOURCE } from './delta-sync.js';
import type { ErrorNotifications } from './error-notifications.js';
import { createErrorTally, type ErrorThreshold, resolveErrorThreshold } from './error-threshold.js';
import { flowInbox, makeContext, storeState } from './make-context.js';
import { flowMessageMask } from './message-mask.js';
import { openFlow } from './open-flow.js';
import { pageAnchor } from './page-anchor.js';
import { createPageHandler, type PageHandler } from './page-handler.js';
import { processGone, type Self } from './process-gone.js';
import type { Registry } from './registry.js';
import type { RetryOptions } from './retry-policy.js';
import { cloneCounts, emptyCounts } from './run-counts.js';
import type { ProgressListener } from './run-progress.js';

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
  notifications: ErrorNotifications;
  host: string;
  pid: number;
  live: Set<number>;
  tokens?: TokenStore;
  /** The lease window (default RUN_LEASE_MS). */
  leaseMs?: number;
}

export interface RunOptions {
  trigger?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
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
 * Takes the flow's lease and starts the run: refused (RUN_ALREADY_ACTIVE) while another run holds the
 * flow; a running run whose process is gone (on this host) is replaced at once, any other only once
 * its lease lapsed.
 */
async function claim(deps: RunDeps, project: ProjectDefinition, flow: string, options: RunOptions, now: Date) {
  const active = await deps.store.activeRun(flow);
  const self: Self = { host: deps.host, pid: deps.pid, live: deps.live };
  return deps.store.startRun({
    flow,
    trigger: options.trigger ?? 'api',
    flowFile: project.file,
    host: deps.host,
    pid: deps.pid,
    startedAt: now,
    leaseMs: deps.leaseMs ?? RUN_LEASE_MS,
    ...(active && processGone(active, self) ? { replace: active.id } : {}),
    ...(options.fromStart ? { fromStart: true } : {}),
  });
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

/** The delta check of each page, counting the records it skipped as unchanged in the run's counts. */
function countingUnchanged(delta: DeltaRun, counts: RunCounts): DeltaRun {
  return {
    ...delta,
    admit(records) {
      const admitted = delta.admit(records);
      if (counts.delta) counts.delta.unchanged = (counts.delta.unchanged ?? 0) + admitted.skipped;
      return admitted;
    },
  };
}

/** Runs one flow to the end (or until canceled), committing each page's checkpoint only after every destination handled it. */
export async function runFlow(
  deps: RunDeps,
  project: ProjectDefinition,
  flow: FlowDefinition,
  options: RunOptions = {},
): Promise<RunRow> {
  const { store, clock } = deps;
  const mask = flowMessageMask(project, flow);
  const started = clock.now();
  const claimed: StartedRun = await claim(deps, project, flow.name, options, started);
  const { run, lease } = claimed;
  const stored = claimed.checkpoint;
  deps.live.add(run.id);
  if (claimed.replaced)
    deps.log.info({ runId: run.id }, `run ${claimed.replaced.id}: ${claimed.replaced.error?.message}`);
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
    store.renewLease(lease, clock.now()).catch((e: unknown) => {
      if (e instanceof FlowError && e.code === 'RUN_LEASE_LOST') abort.abort(e);
    });
  });
  const report = (status: RunStatus) =>
    options.onProgress?.({
      runId: run.id,
      flow: flow.name,
      status,
      pages: handler?.pages ?? 0,
      counts,
      elapsedMs: clock.now().getTime() - started.getTime(),
      resumedFrom: run.resumedFrom,
      ...(fraction === undefined ? {} : { fraction, startFraction: startFraction ?? 0 }),
    });
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
      const markExported = source.markExported;
      handler = createPageHandler({
        open,
        flow,
        runId: run.id,
        store,
        clock,
        ctx,
        counts,
        mask,
        lease,
        onErrors: (errors) => {
          tally.add(errors);
          deps.notifications.record(project, flow, errors);
        },
        pagesInFlight: flow.concurrency?.pages ?? 1,
        pageAnchor: await pageAnchor(store, flow.name, run.id, stored, options.fromStart === true),
        ...(delta ? { delta: countingUnchanged(delta, counts) } : {}),
        ...(once && markExported
          ? {
              afterCommit: (page: Page, failed: ReadonlySet<string>) =>
                markExported(
                  { ...sourceArgs, field: once.field },
                  page.records.filter((r) => !failed.has(r.meta.id)),
                  ctx,
                ),
            }
          : {}),
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
          report('running');
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
    deps.live.delete(run.id);
    deps.log.error({ runId: run.id, code: lost.code }, lost.message);
    const ended: RunRow = { ...run, status: 'failed', endedAt, pages, counts: cloneCounts(counts) };
    ended.error = { code: lost.code, message: lost.message, ...(lost.hint ? { hint: lost.hint } : {}) };
    report('failed');
    return ended;
  }
  if (completed && flow.source.upstream !== undefined) await purgeHandled(store, flow.name, clock.now());
  deps.live.delete(run.id);
  report(status);
  const final = (await store.getRun(run.id)) ?? { ...run, status, endedAt, pages, counts };
  deps.notifications.runEnded(project, flow, final); // failed or paused: someone is told (never waits)
  return final;
}

export type { RunCounts };
