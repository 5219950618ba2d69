import {
  type Clock,
  FlowError,
  inboxPosition,
  type Json,
  type Logger,
  type Metrics,
  type Page,
  parseDuration,
  type TokenStore,
  toFlowError,
} from '../sdk/index.js';
import type { FlowDefinition, ProjectDefinition } from '../spec/definition.js';
import type { RunCounts, RunRow, RunStatus, StateStore } from '../store/state-store.js';
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
import type { Registry } from './registry.js';
import type { RetryOptions } from './retry-policy.js';
import { cloneCounts, emptyCounts } from './run-counts.js';
import type { ProgressListener } from './run-progress.js';
import { isStale, type Self } from './stale-run.js';

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
}

export interface RunOptions {
  trigger?: string;
  signal?: AbortSignal;
  onProgress?: ProgressListener;
  /** Ignore (and discard) a stored checkpoint: read the source from the beginning. */
  fromStart?: boolean;
  /** Interval of heartbeats while a page is being handled. */
  heartbeatMs?: number;
  /** Delta sync: read everything this time (the watermark is ignored, then moved as usual). */
  full?: boolean;
  /** Overrides the flow's `errorThreshold:` for this run (`syncline run --max-errors`). */
  errorThreshold?: Partial<ErrorThreshold>;
}

/** How long the source may take to deliver its next page (flow `timeouts.read`). */
export const DEFAULT_READ_TIMEOUT = '10m';

const isTimeout = (reason: unknown) => reason instanceof FlowError && reason.code === 'RUN_TIMEOUT';

/** Claims the flow: refuses when a live run exists, marks a dead one as interrupted. */
async function claim(deps: RunDeps, flow: string, now: Date): Promise<RunRow | undefined> {
  const active = await deps.store.activeRun(flow);
  if (!active) return undefined;
  const self: Self = { host: deps.host, pid: deps.pid, live: deps.live };
  if (!isStale(active, self, now)) {
    throw new FlowError(
      'RUN_ALREADY_ACTIVE',
      `flow "${flow}" is already running (run ${active.id}, pid ${active.pid} on ${active.host})`,
    );
  }
  return active;
}

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
  const dead = await claim(deps, flow.name, started);
  const interrupted = (by: string) => ({ code: 'INTERRUPTED', message: `the process running it died; ${by}` });
  // the dead run stops counting as running first: the store admits one running run per flow
  if (dead)
    await store.updateRun(dead.id, { status: 'failed', endedAt: started, error: interrupted('a new run takes over') });
  if (options.fromStart) await store.clearCheckpoint(flow.name);
  const stored = await store.getCheckpoint(flow.name);
  const run = await store.createRun({
    flow: flow.name,
    trigger: options.trigger ?? 'api',
    flowFile: project.file,
    host: deps.host,
    pid: deps.pid,
    startedAt: started,
    resumedFrom: stored ? stored.runId : (dead?.id ?? null),
  });
  deps.live.add(run.id);
  if (dead) await store.updateRun(dead.id, { error: interrupted(`resumed by run ${run.id}`) });
  const abort = new AbortController();
  const onAbort = () => abort.abort(new FlowError('CANCELED', `run ${run.id} of flow "${flow.name}" was canceled`));
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const runLimitMs = flow.timeouts?.run === undefined ? undefined : parseDuration(flow.timeouts.run);
  const runTimer =
    runLimitMs === undefined
      ? undefined
      : setTimeout(
          () =>
            abort.abort(
              new FlowError(
                'RUN_TIMEOUT',
                `run ${run.id} of flow "${flow.name}" took longer than ${formatMs(runLimitMs)} (timeouts.run)`,
              ),
            ),
          runLimitMs,
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
  const heartbeat = setInterval(() => {
    store.updateRun(run.id, { heartbeatAt: clock.now() }).catch(() => undefined);
  }, options.heartbeatMs ?? 15_000);
  heartbeat.unref();
  const report = (status: RunStatus) =>
    options.onProgress?.({
      runId: run.id,
      flow: flow.name,
      status,
      pages: handler?.pages ?? 0,
      counts,
      elapsedMs: clock.now().getTime() - started.getTime(),
      resumedFrom: run.resumedFrom,
    });

  let handler: PageHandler | undefined;
  let status: RunStatus = 'running';
  let runError: FlowError | undefined;
  let delta: DeltaRun | undefined;
  const open = await openFlow(deps.registry, deps.pool, project, flow, ctx, {
    retry: deps.retry,
    breakers: deps.breakers,
    bulkheads: deps.bulkheads,
    reopenUnavailable: true,
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
      try {
        while (!abort.signal.aborted) {
          const result = await withTimeout(readLimitMs, `waiting for the next page of ${flow.source.type}`, () => next);
          if (result.done) break;
          next = iterator.next(); // read ahead one page while this one is handled
          next.catch(() => undefined);
          if (result.value.checkpoint !== undefined) lastCheckpoint = result.value.checkpoint;
          await handler.handle(result.value);
          report('running');
          // the records nearly all fail: stop reading; the pages already read still commit
          tooManyErrors = tally.exceeded(counts.read);
          if (tooManyErrors) break;
        }
      } finally {
        await iterator.return?.(undefined).catch(() => undefined);
      }
      await handler.drain(); // every page read is written and committed (also when canceled: the page finishes)
      // counted again: the pages that were in flight are committed now
      if (tooManyErrors && !abort.signal.aborted) throw tally.exceeded(counts.read) ?? tooManyErrors;
      if (abort.signal.aborted) {
        status = isTimeout(abort.signal.reason) ? 'failed' : 'canceled';
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
      abort.signal.aborted && !isTimeout(abort.signal.reason)
        ? 'canceled'
        : runError.code === 'PAUSED'
          ? 'paused'
          : 'failed';
  } finally {
    clearInterval(heartbeat);
    clearTimeout(runTimer);
    options.signal?.removeEventListener('abort', onAbort);
    await handler?.drain().catch(() => undefined); // no write may outlive its writer
    await open?.close('abort').catch(() => undefined);
  }
  if (runError && status === 'running') status = 'failed';
  // a finished run starts the next one over, except on a continuous source (an inbox): it goes on from there
  const continuous = deps.registry.source(flow.source.type).continuous === true;
  const completed = status === 'succeeded' || status === 'completed_with_errors';
  // the watermark moves before the checkpoint goes: a crash between them resumes with the new watermark, harmlessly
  if (completed && delta) await store.setWatermark(flow.name, WATERMARK_SOURCE, delta.completed(started), clock.now());
  if (completed && !continuous) await store.clearCheckpoint(flow.name);
  if (completed && flow.source.upstream !== undefined) await purgeHandled(store, flow.name, clock.now());
  const endedAt = clock.now();
  const pages = handler?.pages ?? 0;
  await store.updateRun(run.id, {
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
  });
  deps.live.delete(run.id);
  report(status);
  const final = (await store.getRun(run.id)) ?? { ...run, status, endedAt, pages, counts };
  deps.notifications.runEnded(project, flow, final); // failed or paused: someone is told (never waits)
  return final;
}

export type { RunCounts };
