import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import type { RunRow } from '../store/state-store.js';

const completed = (run: RunRow) => run.status === 'succeeded' || run.status === 'completed_with_errors';

/**
 * The pipeline stages a finished run of `flow` hands on to: the flows of its `next:` once it
 * completed, none otherwise (their input stays in the store until it does). `syncline serve` and
 * `syncline run` request one run of each (src/app/run-worker.ts): the one place a pipeline goes on.
 */
export function nextStages(project: ProjectDefinition, flow: FlowDefinition, run: RunRow): FlowDefinition[] {
  if (!completed(run)) return [];
  return (flow.next ?? []).flatMap((name) => project.flows[name] ?? []);
}
