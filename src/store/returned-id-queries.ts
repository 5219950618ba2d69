import type { Transaction } from 'kysely';
import { readInt, readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { StoreDatabase } from './schema.js';
import type { ReturnedId, ReturnedIdFilter, ReturnedIdRow } from './state-store.js';

/** Rows per INSERT: 9 columns each stays under SQLite's 999 bound parameters. */
const CHUNK = 100;

/** Stores a page's returned ids (inside the page's commit transaction). */
export async function addReturnedIds(
  trx: Transaction<StoreDatabase>,
  page: { runId: number; flow: string; seq: number; at: Date },
  ids: readonly ReturnedId[],
): Promise<void> {
  const at = writeTime(page.at);
  for (let start = 0; start < ids.length; start += CHUNK) {
    const rows = ids.slice(start, start + CHUNK).map((r, i) => ({
      run_id: page.runId,
      flow: page.flow,
      seq: page.seq,
      pos: start + i,
      destination: r.destination,
      record_id: r.recordId,
      record_key: r.recordKey ?? null,
      dest_id: r.id,
      at,
    }));
    await trx.insertInto('record_ids').values(rows).execute();
  }
}

export async function listReturnedIds(db: StoreDb, filter: ReturnedIdFilter): Promise<ReturnedIdRow[]> {
  let q = db.selectFrom('record_ids').selectAll();
  if (filter.runId !== undefined) q = q.where('run_id', '=', filter.runId);
  if (filter.flow !== undefined) q = q.where('flow', '=', filter.flow);
  if (filter.destination !== undefined) q = q.where('destination', '=', filter.destination);
  const record = filter.record;
  if (record !== undefined) q = q.where((eb) => eb.or([eb('record_key', '=', record), eb('record_id', '=', record)]));
  const rows = await q
    .orderBy('run_id')
    .orderBy('seq')
    .orderBy('pos')
    .limit(filter.limit ?? 100)
    .execute();
  return rows.map((row) => ({
    runId: readInt(row.run_id),
    flow: row.flow,
    seq: readInt(row.seq),
    destination: row.destination,
    recordId: row.record_id,
    ...(row.record_key === null ? {} : { recordKey: row.record_key }),
    id: row.dest_id,
    at: readTime(row.at),
  }));
}
