import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { WriteBatch, WriteResult } from '../../sdk/destination.js';
import { durationSchema, parseDuration } from '../../sdk/duration.js';
import { type ErrorKind, FlowError } from '../../sdk/errors.js';
import type { DataRecord } from '../../sdk/record.js';

/**
 * Page markers make SQL table destinations exactly-once: each batch commits a marker row in its own
 * transaction, and a batch whose marker exists (the same page read again after a crash) is skipped.
 * `false` turns them off; by default they are on for `operation: insert` (the others are idempotent).
 */
export const pageMarkersField = z
  .union([
    z.literal(false),
    z
      .object({
        /** The marker table in the destination's database, created on first use. */
        table: z.string().min(1).default('syncline_page_markers'),
        /** Markers older than this are deleted when a writer opens: a run resumed later writes its page again. */
        keep: durationSchema.default('14d'),
      })
      .strict(),
  ])
  .optional();

export type PageMarkersConfig = z.infer<typeof pageMarkersField>;

export interface PageMarkers {
  readonly table: string;
  readonly keepMs: number;
}

/** The markers a table destination keeps, or undefined when it keeps none. */
export function pageMarkers(config: { operation: string; pageMarkers?: PageMarkersConfig }): PageMarkers | undefined {
  const m = config.pageMarkers;
  if (m === false || (m === undefined && config.operation !== 'insert')) return undefined;
  return {
    table: m?.table ?? 'syncline_page_markers',
    keepMs: parseDuration(m?.keep ?? '14d') ?? 14 * 86_400_000,
  };
}

/**
 * The marker of a batch: a SHA-256 of its key and of its records' ids. The same key with other
 * records (the source gave other rows for the same position) is another batch, written again: a
 * marker never hides records it did not see. (Ids, not contents: hashing every record's JSON cost
 * about as much as the SQLite insert itself.)
 */
export function markerId(batch: WriteBatch, records: readonly DataRecord[]): string {
  let ids = '';
  for (const r of records) ids += `\n${r.meta.id}`;
  return createHash('sha256').update(batch.key).update(ids).digest('hex');
}

interface StoredRejection {
  index: number;
  code: string;
  kind: ErrorKind;
  message: string;
  field?: string;
}

/** The refused records of a batch, as kept in its marker (NULL when none). */
export function markerRejected(rejected: WriteResult['rejected']): string | null {
  if (rejected.length === 0) return null;
  const rows: StoredRejection[] = rejected.map((r) => ({
    index: r.index,
    code: r.error.code,
    kind: r.error.kind,
    message: r.error.message,
    ...(r.error.field === undefined ? {} : { field: r.error.field }),
  }));
  return JSON.stringify(rows);
}

/**
 * The result of a batch found already committed: nothing written again, its records counted as
 * already written, except those it refused then, which are refused again (their error records were
 * not committed before the crash).
 */
export function alreadyWritten(records: readonly DataRecord[], rejected: string | null, where: string): WriteResult {
  const rows: StoredRejection[] = rejected === null ? [] : (JSON.parse(rejected) as StoredRejection[]);
  const out: { index: number; error: FlowError }[] = [];
  for (const r of rows) {
    const id = records[r.index]?.meta.id;
    if (id === undefined) continue;
    out.push({
      index: r.index,
      error: new FlowError(r.code, `${r.message} (refused when this batch was first written, before a crash)`, {
        kind: r.kind,
        where: `${where} record ${id}`,
        ...(r.field === undefined ? {} : { field: r.field }),
      }),
    });
  }
  return { rejected: out, written: 0, skipped: 0, alreadyWritten: records.length - out.length };
}
