import type { z } from 'zod';
import type { Context } from './context.js';
import type { FlowError } from './errors.js';
import type { DataRecord } from './record.js';

export interface WriteResult {
  /** Per input record: the id the destination gave it (or undefined); the engine keeps them per run and page (`syncline ids`). */
  readonly ids?: readonly (string | undefined)[];
  /** Records the destination refused, by index in the written batch. */
  readonly rejected: readonly { index: number; error: FlowError }[];
  /** Records written / left alone (ignore-existing, unchanged). Defaults: all not rejected are written. */
  readonly written?: number;
  readonly skipped?: number;
}

/**
 * Writes batches. Throw a FlowError for a whole-batch failure (transient → retried),
 * or report per-record failures in `rejected`. Writes must be idempotent where the
 * operation allows (upsert by key), since a resumed page may be written again.
 */
export interface Writer {
  write(records: readonly DataRecord[], ctx: Context): Promise<WriteResult>;
  close(ctx: Context): Promise<void>;
  /**
   * The run failed or was canceled: release resources and discard what is not yet final where
   * the destination can (e.g. an overwrite file's temporary copy). Defaults to `close`.
   */
  abort?(ctx: Context): Promise<void>;
}

export interface OpenArgs<C, K> {
  readonly config: C;
  readonly connection: K;
}

/** Writes records to a connection: insert, update, upsert, ignore-existing (Celigo: import). */
export interface Destination<C = unknown, K = unknown> {
  readonly type: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  open(args: OpenArgs<C, K>, ctx: Context): Promise<Writer>;
}

export function defineDestination<C, K>(destination: Destination<C, K>): Destination<unknown, K> {
  return destination as unknown as Destination<unknown, K>;
}
