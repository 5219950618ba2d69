import type { ProjectDefinition } from '../config/definition.js';
import { nextStages, type RunOptions } from '../engine/index.js';
import type { QueuedRun, RunQueue, RunRequest } from '../queue/index.js';
import { FlowError } from '../sdk/index.js';
import type { RunRow } from '../store/state-store.js';

/** How a request ended: its run and the requests of the stages it handed on to, or why it could not run. */
export type RunOutcome =
  | { readonly run: RunRow; readonly next: readonly string[] }
  | { readonly error: unknown }
  /** Canceled (or the service stopped) before it ran. */
  | { readonly dropped: true };

export interface RunWorkerOptions {
  readonly queue: RunQueue;
  readonly project: ProjectDefinition;
  /** The engine's `run`: one run of one flow, to its end. */
  run(project: ProjectDefinition, flow: string, options: RunOptions): Promise<RunRow>;
  /** Requests a run of a pipeline stage the finished run handed records on to; its request id. */
  requestNext(stage: string, parent: QueuedRun): Promise<string | undefined>;
  /** Each request's end. */
  settled(run: QueuedRun, outcome: RunOutcome): void;
}

/** The trigger a run row records: a `next` request as `flow:<stage before>`, the rest as they are. */
export function storedTrigger(request: RunRequest): string {
  return request.trigger === 'next' && request.after !== undefined ? `flow:${request.after}` : request.trigger;
}

/** What the engine is told for a request. */
function runOptionsOf(request: RunRequest, signal: AbortSignal, requestId: string): RunOptions {
  return {
    trigger: storedTrigger(request),
    signal,
    requestId,
    ...(request.fromStart ? { fromStart: true } : {}),
    ...(request.full ? { full: true } : {}),
    ...(request.errorThreshold ? { errorThreshold: request.errorThreshold } : {}),
  };
}

/**
 * The worker loop: takes requests from the queue until `signal` aborts, runs each flow of its
 * project (a request names the flow file: another file's is an error) with the engine, and — when the run completed and was not canceled — requests one run of each `next:` stage
 * (the same error threshold; what to read comes from the stage's own checkpoint). Every request
 * settles once: with its run, or with the error that kept it from running.
 */
export function runWorker(o: RunWorkerOptions, signal: AbortSignal): Promise<void> {
  return o.queue.consume(async (job) => {
    const { request } = job;
    try {
      // in process, the worker runs its project's flows only: a request for another file is refused, never run as this one's
      if (request.file !== o.project.file) {
        throw new FlowError(
          'CONFIG_INVALID',
          `run request for flow ${request.flow} of ${request.file} reached the worker of ${o.project.file}`,
          { hint: 'one app runs one flow file: request its runs from an app that loaded that file' },
        );
      }
      const run = await o.run(o.project, request.flow, runOptionsOf(request, job.signal, job.id));
      const flow = o.project.flows[request.flow];
      const next: string[] = [];
      if (flow && !job.signal.aborted) {
        for (const stage of nextStages(o.project, flow, run)) {
          const id = await o.requestNext(stage.name, job);
          if (id !== undefined) next.push(id);
        }
      }
      o.settled(job, { run, next });
    } catch (error) {
      o.settled(job, { error });
    }
  }, signal);
}
