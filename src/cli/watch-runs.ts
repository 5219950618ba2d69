import type { ProjectDefinition, RunEvents, RunRow, Unsubscribe } from '../app/index.js';
import type { ProgressDisplay } from './progress-display.js';

export interface WatchRunsOptions {
  /** A live display for each run as it starts (none: `--json`). */
  readonly display?: (flow: string) => ProgressDisplay;
  /** Each run once it ended (its summary is printed). */
  readonly ended: (run: RunRow) => void;
}

/** The flow and, in a pipeline, every stage after it (`next:`, and theirs); a sync is its own run. */
export function pipelineFlows(project: ProjectDefinition, head: string): Set<string> {
  const flows = new Set<string>();
  if (project.syncs?.[head] !== undefined) return new Set([head]);
  const visit = (name: string) => {
    if (flows.has(name) || project.flows[name] === undefined) return;
    flows.add(name);
    for (const next of project.flows[name]?.next ?? []) visit(next);
  };
  visit(head);
  return flows;
}

/**
 * Follows the runs of `syncline run` on the event stream: the runs of the pipeline's flows that start
 * from now on (by their ids, from `run.started`), each with a live display fed by its `run.progress`
 * events until its `run.ended`. Returns the unsubscribe, which also stops a display still showing.
 */
export function watchRuns(
  events: Pick<RunEvents, 'subscribe'>,
  flows: ReadonlySet<string>,
  o: WatchRunsOptions,
): Unsubscribe {
  const watched = new Map<number, ProgressDisplay | undefined>();
  const unsubscribe = events.subscribe((e) => {
    switch (e.type) {
      case 'run.started':
        if (flows.has(e.flow)) watched.set(e.runId, o.display?.(e.flow));
        return;
      case 'run.progress':
        if (watched.has(e.runId)) watched.get(e.runId)?.update(e);
        return;
      case 'run.ended':
        if (!watched.has(e.runId)) return;
        watched.get(e.runId)?.finish(e.run);
        watched.delete(e.runId);
        o.ended(e.run);
        return;
      default:
        return;
    }
  });
  return () => {
    unsubscribe();
    for (const display of watched.values()) display?.stop();
    watched.clear();
  };
}
