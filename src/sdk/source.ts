import type { z } from 'zod';
import type { Context } from './context.js';
import type { Json } from './json.js';
import type { Page } from './page.js';
import type { Receiver } from './receiver.js';
import type { DataRecord } from './record.js';

export interface ReadArgs<C, K> {
  readonly config: C;
  readonly connection: K;
  /** The checkpoint of the last committed page, when resuming. */
  readonly from?: Json;
  /**
   * Delta sync: read only records whose cursor field is greater than `since` (written in the shape
   * the source's own values have). Undefined: read everything (first run, full sync).
   */
  readonly since?: Json;
  /** The flow's `delta.field`: the column or field to compare with `since` (a source may also have its own setting). */
  readonly cursorField?: string;
  /** Export mode `once`: read only records whose `field` is not set (not true). */
  readonly once?: { readonly field: string };
}

/** Reads records from a connection as an ordered stream of pages (Celigo: export). */
export interface Source<C = unknown, K = unknown> {
  /** Local name; the full type is `<connector>.<type>`, e.g. `file.csv`. */
  readonly type: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  read(args: ReadArgs<C, K>, ctx: Context): AsyncIterable<Page>;
  /**
   * A source over an endless stream (an inbox of pushed events, a change feed): its checkpoint is
   * kept after a successful run, so the next run goes on from there instead of starting over.
   */
  readonly continuous?: boolean;
  /**
   * Export mode `once`: marks delivered records (sets `field` to true) after their page committed.
   * Sources that offer it also filter on `args.once` when reading.
   */
  markExported?(
    args: { readonly config: C; readonly connection: K; readonly field: string },
    records: readonly DataRecord[],
    ctx: Context,
  ): Promise<void>;
  /** For push sources: checks and unpacks the requests `syncline serve` receives for this flow. */
  receiver?(args: { readonly config: C; readonly connection: K }): Receiver;
  /**
   * What `syncline validate` can know before a run without any server (optional): e.g. that typed
   * columns are in a file's header. Gets the connection's parsed settings (never opened); returns
   * the problems found, each naming the config field it is about.
   */
  validate?(
    args: { readonly config: C; readonly connectionConfig: unknown },
    ctx: Context,
  ): Promise<readonly SourceProblem[]>;
}

/** A problem `Source.validate` found in a source's settings. */
export interface SourceProblem {
  /** The config field it is about, as a path: `columns.amount`, `path`. */
  readonly field: string;
  readonly message: string;
  readonly hint?: string;
  /** Names the field's last part could have meant (a file's header): validate suggests the closest. */
  readonly candidates?: readonly string[];
  /** Something that may be fine at run time (a file a flow before writes): shown, but validate passes. */
  readonly warning?: boolean;
}

/**
 * Erases the config type so sources with different configs fit one list. Sound because the
 * engine always parses the config with `source.config` before calling `read`.
 */
export function defineSource<C, K>(source: Source<C, K>): Source<unknown, K> {
  return source as unknown as Source<unknown, K>;
}
