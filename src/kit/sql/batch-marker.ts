import type { Context } from '../../sdk/context.js';
import type { WriteBatch, WriteResult } from '../../sdk/destination.js';
import type { DataRecord } from '../../sdk/record.js';
import { alreadyWritten, markerId, type PageMarkers } from './page-marker.js';
import type { WriteOutcome } from './table-writes.js';

/** How a server table writer reaches its marker table (the statements are its dialect's). */
export interface MarkerStore {
  /** Creates the marker table if needed and drops the markers older than `keepMs` (once per writer). */
  open(table: string, keepMs: number, flow: string, now: number): Promise<void>;
  /** The marker of `marker` in `flow`, when that batch was committed before. */
  find(table: string, flow: string, marker: string): Promise<{ readonly rejected: string | null } | undefined>;
  /** A value as an SQL literal of the dialect. */
  literal(value: string | number | null): string;
}

/**
 * What the exactly-once check at the start of a batch decides: the batch was committed before a crash
 * (`done`: the result to return, nothing is written), or it is written now and `mark` (when markers are
 * kept) gives the INSERT of its marker, to run in the batch's own transaction with its rejections.
 */
export type BatchMarkerCheck =
  | { readonly done: WriteResult }
  | { readonly mark: ((rejected: string | null) => string) | undefined };

export async function checkBatchMarker(
  args: {
    readonly markers: PageMarkers | undefined;
    /** The marker table's name as the dialect writes it (quoted, qualified). */
    readonly table: string | undefined;
    readonly batch: WriteBatch | undefined;
    readonly records: readonly DataRecord[];
    readonly where: string;
  },
  store: MarkerStore,
  ctx: Context,
): Promise<BatchMarkerCheck> {
  const { markers, table, batch, records } = args;
  if (!markers || !table || !batch) return { mark: undefined };
  const now = ctx.clock.now().getTime();
  await store.open(table, markers.keepMs, ctx.flow, now);
  const id = markerId(batch, records);
  const found = await store.find(table, ctx.flow, id);
  if (found) return { done: alreadyWritten(records, found.rejected, args.where) };
  const values = (rejected: string | null) => [ctx.flow, id, batch.key, ctx.runId, records.length, rejected, now];
  return {
    mark: (rejected) =>
      `INSERT INTO ${table} (flow, marker, page, run_id, records, rejected, committed_at) VALUES (${values(rejected)
        .map((v) => store.literal(v))
        .join(', ')})`,
  };
}

/** A batch to write now: its outcome to fill (with an id per record for inserts by a key) and its marker's INSERT. */
export interface BatchStart {
  readonly out: WriteOutcome;
  readonly mark: ((rejected: string | null) => string) | undefined;
}

/**
 * How every server table writer starts a batch: nothing to do for no records; the batch's marker
 * checked (`done`: committed before a crash, the result to return); else a fresh outcome to fill.
 * Made once per writer from what its batches share.
 */
export function batchStarter(
  args: {
    readonly markers: PageMarkers | undefined;
    /** The marker table's name as the dialect writes it (quoted, qualified). */
    readonly table: string | undefined;
    readonly where: string;
    /** Inserts by a key: an id per record. */
    readonly withIds: boolean;
    /** What the writer does before a batch it writes (creates its table at the first one). */
    readonly prepare?: (records: readonly DataRecord[]) => Promise<void>;
  },
  store: MarkerStore,
): (
  records: readonly DataRecord[],
  ctx: Context,
  batch: WriteBatch | undefined,
) => Promise<{ readonly done: WriteResult } | BatchStart> {
  return async (records, ctx, batch) => {
    const n = records.length;
    const out: WriteOutcome = {
      written: 0,
      skipped: 0,
      rejected: [],
      ...(args.withIds ? { ids: new Array<string | undefined>(n).fill(undefined) } : {}),
    };
    if (n === 0) return { done: out };
    // exactly-once: a batch whose marker exists was committed before a crash; else its marker commits with it
    const check = await checkBatchMarker({ ...args, batch, records }, store, ctx);
    if ('done' in check) return check;
    await args.prepare?.(records);
    return { out, mark: check.mark };
  };
}
