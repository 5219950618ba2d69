import type { ProjectDefinition } from '../config/definition.js';
import type { Context, Inbox } from '../sdk/index.js';
import type { StartedRun } from '../store/state-store.js';
import { claimRun } from './claim-run.js';
import { makeContext, storeState } from './make-context.js';
import type { RunDeps, RunOptions } from './run-flow.js';
import { type RunWatch, type RunWatchOptions, watchRun } from './run-watch.js';

/** A run under way: its claim (row, lease, stored checkpoint), what stops it, and its context. */
export interface RunStart {
  readonly claimed: StartedRun;
  readonly started: Date;
  readonly watch: RunWatch;
  readonly ctx: Context;
}

/**
 * Starts the run of a flow or a sync: claims its lease and run row (claimRun), publishes run.started,
 * watches it (cancel, timeouts.run, heartbeat) and builds the context its components get.
 */
export async function startRun(
  deps: RunDeps,
  project: ProjectDefinition,
  job: RunWatchOptions['job'],
  options: RunOptions,
  inbox?: Inbox,
): Promise<RunStart> {
  const { store, clock } = deps;
  const started = clock.now();
  const claimed = await claimRun(deps, project, job.name, options, started);
  const { run, lease, replaced } = claimed;
  if (replaced) deps.log.info({ runId: run.id }, `run ${replaced.id}: ${replaced.error?.message}`);
  deps.events.publish({
    type: 'run.started',
    flow: job.name,
    at: started,
    runId: run.id,
    trigger: run.trigger,
    flowFile: run.flowFile,
    resumedFrom: run.resumedFrom,
    ...(replaced ? { replaced: replaced.id } : {}),
    ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
  });
  const watch = watchRun({
    runId: run.id,
    job,
    clock,
    store,
    lease,
    signal: options.signal,
    heartbeatMs: options.heartbeatMs,
  });
  const ctx = makeContext({
    runId: String(run.id),
    flow: job.name,
    signal: watch.signal,
    clock,
    log: deps.log,
    metrics: deps.metrics,
    baseDir: project.baseDir,
    ...(deps.tokens ? { tokens: deps.tokens } : {}),
    ...(inbox ? { inbox } : {}),
    state: storeState(store, clock),
  });
  return { claimed, started, watch, ctx };
}
