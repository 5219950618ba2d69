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
  /**
   * Records of this batch the destination had already committed before a crash (its page marker was
   * found): not written again, and counted apart, not as written.
   */
  readonly alreadyWritten?: number;
}

/**
 * Which batch of which page a write is. The engine gives the same key to the same batch when the page
 * is read again from the same checkpoint after a crash: the destination name, the page (the last
 * committed position before it, and the page's index since), and the batch's range in the page. A
 * destination that commits a marker of it in the batch's own transaction can skip a batch it has
 * already committed (exactly-once); others ignore it.
 */
export interface WriteBatch {
  readonly key: string;
}

/**
 * Writes batches. Throw a FlowError for a whole-batch failure (transient → retried),
 * or report per-record failures in `rejected`. Writes must be idempotent where the
 * operation allows (upsert by key), since a resumed page may be written again.
 */
export interface Writer {
  write(records: readonly DataRecord[], ctx: Context, batch?: WriteBatch): Promise<WriteResult>;
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
  /**
   * The writer gets some records only, not a whole run's: the retry of error records. A destination
   * that replaces its target with what a run writes (a file in `overwrite` mode) must add these
   * records to the target instead, or refuse with an error that says why.
   */
  readonly partial?: boolean;
}

/** A problem `Destination.validate` found: the config field it is about, what is wrong, how to fix it. */
export interface DestinationProblem {
  /** The config field it is about: `table`, `key`, `columns`. */
  readonly field: string;
  readonly message: string;
  readonly hint?: string;
  /** Names the wrong one could have meant (the table's columns): validate suggests the closest. */
  readonly candidates?: readonly string[];
}

export interface ValidateArgs<C, K> {
  readonly config: C;
  /** The open connection (`validate --connect` opened it and closes it). */
  readonly connection: K;
  /** The fields every record will have when the flow decides them (its last map), else undefined. */
  readonly fields?: readonly string[];
}

/** A write by a record set's key that a bi-directional sync asks a destination for (docs/sync.md). */
export type KeyedOperation = 'insert' | 'update' | 'delete';

/**
 * The optional capability a bi-directional sync needs from a side's destination: the same record set
 * written by its key. `config` returns the destination's config for one operation (e.g. a table
 * destination's `{ ...config, operation: 'update', key: [key] }`); the sync opens one writer per
 * operation with it. For `insert`, `WriteResult.ids` must give each written record's key when the
 * system generates it (an auto-increment id, a SaaS id); `update` writes only the fields a record
 * has (plus its key) and rejects a record whose key is not found (RECORD_NOT_FOUND); `delete`
 * removes the records whose key each record carries (a record carrying only the key) and counts a
 * missing one as skipped, not rejected.
 */
export interface KeyedWrites<C> {
  readonly operations: readonly KeyedOperation[];
  config(config: C, operation: KeyedOperation, key: string): C;
}

/** Writes records to a connection: insert, update, upsert, ignore-existing (Celigo: import). */
export interface Destination<C = unknown, K = unknown> {
  readonly type: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  open(args: OpenArgs<C, K>, ctx: Context): Promise<Writer>;
  /**
   * What `syncline validate --connect` can check against the open connection before a run
   * (optional; reads only, writes and creates nothing): e.g. that the table exists and has the key
   * columns and the columns the records will fill. Returns the problems found.
   */
  validate?(args: ValidateArgs<C, K>, ctx: Context): Promise<readonly DestinationProblem[]>;
  /** Bi-directional sync: the same record set written by its key (a side of a sync needs it). */
  readonly keyedWrites?: KeyedWrites<C>;
}

export function defineDestination<C, K>(destination: Destination<C, K>): Destination<unknown, K> {
  return destination as unknown as Destination<unknown, K>;
}
