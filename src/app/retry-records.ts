import type { ProjectDefinition } from '../config/definition.js';
import type { Engine, RetryOutcome } from '../engine/index.js';
import type { JsonObject } from '../sdk/index.js';

/** What became of one error record sent back through its flow. */
export type RecordRetry =
  | { readonly id: number; readonly outcome: RetryOutcome }
  | { readonly id: number; readonly error: unknown };

/**
 * Retries a batch of error records of one flow file, each from the stage where it failed. The one
 * place the app calls the engine's retry: when the engine retries a batch in one pass
 * (`engine.retryErrors(project, ids)`), this becomes that call.
 */
export async function* retryRecords(
  engine: Engine,
  project: ProjectDefinition,
  ids: readonly number[],
  options: { payload?: JsonObject } = {},
): AsyncGenerator<RecordRetry> {
  for (const id of ids) {
    try {
      yield { id, outcome: await engine.retryError(project, id, options) };
    } catch (error) {
      yield { id, error };
    }
  }
}
