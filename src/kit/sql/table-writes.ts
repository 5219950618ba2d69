import { FlowError } from '../../sdk/errors.js';
import type { JsonObject } from '../../sdk/json.js';

/** What a SQL table writer counts while it writes one batch (the batch's WriteResult). */
export interface WriteOutcome {
  written: number;
  skipped: number;
  rejected: { index: number; error: FlowError }[];
  /** Inserts by a key (tableKeyedWrites): each written record's key, carried or generated, by index. */
  ids?: (string | undefined)[];
}

/** RECORD_NO_KEY when the record lacks a value for a key column; undefined when it has all of them. */
export function missingKeyError(
  data: JsonObject,
  key: readonly string[],
  id: string,
  where: string,
): FlowError | undefined {
  for (const k of key) {
    const v = data[k];
    if (v === undefined || v === null) {
      return new FlowError('RECORD_NO_KEY', `record ${id} has no value for key column "${k}"`, {
        where: `${where} record ${id}`,
        field: k,
      });
    }
  }
  return undefined;
}

/** RECORD_NOT_FOUND for an update whose key matched no row. */
export function rowNotFound(table: string, id: string, where: string): FlowError {
  return new FlowError('RECORD_NOT_FOUND', `no row of ${table} has the key of record ${id}`, {
    where: `${where} record ${id}`,
  });
}

/**
 * Runs `start` once for every caller (parallel batches share it), and again after it failed: the next
 * caller tries anew. For the page-marker table a writer creates at its first batch.
 */
export function onceUntilFailed<A extends unknown[]>(
  start: (...args: A) => Promise<void>,
): (...args: A) => Promise<void> {
  let ready: Promise<void> | undefined;
  return (...args) => {
    ready ??= start(...args).catch((error: unknown) => {
      ready = undefined;
      throw error;
    });
    return ready;
  };
}
