import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import type { RunRow } from '../store/state-store.js';
import type { RunOptions } from './run-flow.js';

const completed = (run: RunRow) => run.status === 'succeeded' || run.status === 'completed_with_errors';

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
    if (!completed(row)) return; // its stages wait: their input stays in the store
    for (const name of flow.next ?? []) {
      const stage = project.flows[name];
      if (stage) await visit(stage, rest, flow.name);
    }
  };
  await visit(head, options, undefined);
  return runs;
}
