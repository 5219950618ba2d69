import type { ProjectDefinition } from '../config/definition.js';
import type { Engine, RetryOutcome } from '../engine/index.js';
import type { JsonObject } from '../sdk/index.js';

/** What became of one error record sent back through its flow. */
export type RecordRetry =
  | { readonly id: number; readonly outcome: RetryOutcome }
  | { readonly id: number; readonly error: unknown };

/** Records sent to the engine in one call: a flow opened once per batch, progress shown per chunk. */
const CHUNK = 500;

/**
 * Retries error records of one flow file, each from the stage where it failed: the one place the app
 * calls the engine's retry. The engine opens each flow once per batch of records of one stage
 * (`engine.retryErrors`); what became of each record is yielded in id order, a chunk at a time.
 */
export async function* retryRecords(
  engine: Pick<Engine, 'retryErrors'>,
  project: ProjectDefinition,
  ids: readonly number[],
  options: { payload?: JsonObject } = {},
): AsyncGenerator<RecordRetry> {
  for (let i = 0; i < ids.length; i += CHUNK) {
    const chunk = ids.slice(i, i + CHUNK);
    let results: Awaited<ReturnType<Engine['retryErrors']>>;
    try {
      results = await engine.retryErrors(project, chunk, options);
    } catch (error) {
      for (const id of chunk) yield { id, error };
      continue;
    }
    for (const r of results) yield 'outcome' in r ? { id: r.id, outcome: r.outcome } : { id: r.id, error: r.refused };
  }
}
