import { hostname } from 'node:os';
import { createRunService } from '../../src/app/runs.js';
import type { ProjectDefinition } from '../../src/config/definition.js';
import { type AutoRetryOptions, type AutoRetryResult, autoRetryRound, type Engine } from '../../src/engine/index.js';
import { createInProcessQueue, type RunTrigger } from '../../src/queue/index.js';
import { silentLogger, systemClock } from '../../src/sdk/index.js';
import type { RunRow } from '../../src/store/state-store.js';

/**
 * A pipeline run as the app runs it: a request to a runs service over an in-process queue, its worker
 * requesting the `next:` stages of a completed run; every run of the pipeline, depth first.
 */
export async function runPipeline(
  engine: Engine,
  project: ProjectDefinition,
  flow: string,
  trigger: RunTrigger = 'cli',
): Promise<RunRow[]> {
  const runs = createRunService({
    queue: createInProcessQueue(),
    project,
    store: engine.store,
    clock: systemClock,
    log: silentLogger,
    host: hostname(),
    pid: process.pid,
    events: engine.events,
    run: (p, f, o) => engine.run(p, f, o),
  });
  runs.start();
  try {
    return await runs.requestAndWait({ flow, trigger });
  } finally {
    await runs.stop();
  }
}

/** One auto-retry round of a flow, its handed-on stages run as `retry` requests (and awaited, unlike serve's). */
export function autoRetry(
  engine: Engine,
  project: ProjectDefinition,
  flow: string,
  options: AutoRetryOptions,
): Promise<AutoRetryResult> {
  return autoRetryRound(
    {
      store: engine.store,
      retryErrors: (p, ids) => engine.retryErrors(p, ids),
      runStage: (p, stage) => runPipeline(engine, p, stage, 'retry'),
    },
    project,
    flow,
    options,
  );
}
