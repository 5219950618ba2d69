import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import type { RunRow } from '../store/state-store.js';
import type { RunOptions } from './run-flow.js';

const completed = (run: RunRow) => run.status === 'succeeded' || run.status === 'completed_with_errors';

/**
 * The pipeline stages a finished run of `flow` hands on to: the flows of its `next:` once it
 * completed, none otherwise (their input stays in the store until it does). `syncline serve` and
 * `syncline run` request one run of each (src/app/run-worker.ts); `runChain` runs them in place.
 */
export function nextStages(project: ProjectDefinition, flow: FlowDefinition, run: RunRow): FlowDefinition[] {
  if (!completed(run)) return [];
  return (flow.next ?? []).flatMap((name) => project.flows[name] ?? []);
}

/**
 * A pipeline: the flow, then each flow of its `next:` (and theirs), once the one before completed; a
 * stage that did not complete holds back the stages after it, not its siblings.
 * Options that choose what to read (`fromStart`, `full`) apply to the first flow only; later stages
 * read what was handed on to them, from their own checkpoints. Cancellation stops the chain.
 */
export async function runChain(
  head: FlowDefinition,
  options: RunOptions,
  run: (flow: FlowDefinition, options: RunOptions) => Promise<RunRow>,
  project: ProjectDefinition,
): Promise<RunRow[]> {
  const runs: RunRow[] = [];
  const { fromStart: _fromStart, full: _full, ...rest } = options;
  const visit = async (flow: FlowDefinition, o: RunOptions, by: string | undefined): Promise<void> => {
    if (options.signal?.aborted) return;
    const row = await run(flow, by === undefined ? o : { ...o, trigger: `flow:${by}` });
    runs.push(row);
    for (const stage of nextStages(project, flow, row)) await visit(stage, rest, flow.name);
  };
  await visit(head, options, undefined);
  return runs;
}
