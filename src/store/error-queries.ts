import type { Insertable, Selectable, Updateable } from 'kysely';
import type { JsonObject } from '../sdk/index.js';
import { readInt, readJson, readTime, writeJson, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { ErrorEventsTable, ErrorRecordsTable } from './schema.js';
import type {
  ErrorAction,
  ErrorFilter,
  ErrorHistoryRow,
  ErrorPatch,
  ErrorRecordRow,
  NewErrorRecord,
} from './state-store.js';

/** Rows per INSERT: 18 parameters each stays far below SQLite's and PostgreSQL's parameter limits. */
const CHUNK = 500;

function toInsert(e: NewErrorRecord): Insertable<ErrorRecordsTable> {
  const at = writeTime(e.createdAt);
  return {
    flow: e.flow,
    run_id: e.runId,
    record_id: e.recordId,
    stage: e.stage,
    stage_index: e.stageIndex,
    code: e.code,
    kind: e.kind,
    message: e.message,
    hint: e.hint,
    field: e.field,
    payload: writeJson(e.payload),
    raw: e.raw,
    attempts: e.attempts,
    status: 'open',
    note: null,
    created_at: at,
    updated_at: at,
  };
}

export function toErrorRow(row: Selectable<ErrorRecordsTable>): ErrorRecordRow {
  return {
    id: readInt(row.id),
    flow: row.flow,
    runId: readInt(row.run_id),
    recordId: row.record_id,
    stage: row.stage,
    stageIndex: readInt(row.stage_index),
    code: row.code,
    kind: row.kind,
    message: row.message,
    hint: row.hint,
    field: row.field,
    payload: readJson<JsonObject>(row.payload),
    raw: row.raw,
    attempts: readInt(row.attempts),
    createdAt: readTime(row.created_at),
    status: row.status,
    note: row.note,
    updatedAt: readTime(row.updated_at),
  };
}

/** The history line of a failure of error record `id` (first or repeated), in the failing run. */
function failureEvent(id: number, e: NewErrorRecord, action: 'failed' | 'failed again'): Insertable<ErrorEventsTable> {
  return { error_id: id, at: writeTime(e.createdAt), action, run_id: e.runId, message: `[${e.code}] ${e.message}` };
}

/** Inserts error records (inside the caller's transaction, if any); returns their ids in order. */
export async function insertErrors(db: StoreDb, errors: readonly NewErrorRecord[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < errors.length; i += CHUNK) {
    const rows = errors.slice(i, i + CHUNK).map(toInsert);
    const inserted = await db.insertInto('error_records').values(rows).returning('id').execute();
    const events = inserted.map((r, j) => failureEvent(readInt(r.id), errors[i + j] as NewErrorRecord, 'failed'));
    if (events.length > 0) await db.insertInto('error_events').values(events).execute();
    for (const r of inserted) ids.push(readInt(r.id));
  }
  return ids;
}

export async function addErrors(db: StoreDb, errors: readonly NewErrorRecord[]): Promise<number[]> {
  if (errors.length === 0) return [];
  if (errors.length <= CHUNK) return insertErrors(db, errors);
  return db.transaction().execute((trx) => insertErrors(trx, errors));
}

export async function getError(db: StoreDb, id: number): Promise<ErrorRecordRow | undefined> {
  const row = await db.selectFrom('error_records').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toErrorRow(row);
}

function filtered(db: StoreDb, filter: ErrorFilter) {
  let query = db.selectFrom('error_records');
  if (filter.flow !== undefined) query = query.where('flow', '=', filter.flow);
  if (filter.runId !== undefined) query = query.where('run_id', '=', filter.runId);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  if (filter.code !== undefined) query = query.where('code', '=', filter.code);
  if (filter.stage !== undefined) query = query.where('stage', '=', filter.stage);
  if (filter.recordId !== undefined) query = query.where('record_id', '=', filter.recordId);
  if (filter.kind !== undefined) query = query.where('kind', '=', filter.kind);
  if (filter.since !== undefined) query = query.where('created_at', '>=', writeTime(filter.since));
  if (filter.until !== undefined) query = query.where('created_at', '<', writeTime(filter.until));
  return query;
}

/** Newest first; `offset` without `limit` skips rows and returns all the rest. */
export async function listErrors(db: StoreDb, filter: ErrorFilter = {}): Promise<ErrorRecordRow[]> {
  let query = filtered(db, filter).selectAll().orderBy('created_at', 'desc').orderBy('id', 'desc');
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  else if (filter.offset !== undefined) query = query.limit(Number.MAX_SAFE_INTEGER);
  if (filter.offset !== undefined) query = query.offset(filter.offset);
  return (await query.execute()).map(toErrorRow);
}

/** How many error records match the filter (limit and offset are ignored). */
export async function countErrors(db: StoreDb, filter: ErrorFilter = {}): Promise<number> {
  const row = await filtered(db, filter)
    .select((eb) => eb.fn.countAll<number | string>().as('n'))
    .executeTakeFirstOrThrow();
  return readInt(row.n);
}

export async function updateError(db: StoreDb, id: number, patch: ErrorPatch): Promise<void> {
  const set: Updateable<ErrorRecordsTable> = { updated_at: writeTime(patch.updatedAt) };
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.note !== undefined) set.note = patch.note;
  if (patch.attempts !== undefined) set.attempts = patch.attempts;
  if (patch.payload !== undefined) set.payload = writeJson(patch.payload);
  if (patch.code !== undefined) set.code = patch.code;
  if (patch.message !== undefined) set.message = patch.message;
  if (patch.hint !== undefined) set.hint = patch.hint;
  await db.updateTable('error_records').set(set).where('id', '=', id).execute();
  if (patch.history) {
    await db
      .insertInto('error_events')
      .values({
        error_id: id,
        at: set.updated_at as string,
        action: patch.history.action,
        run_id: null,
        message: patch.history.message,
      })
      .execute();
  }
}

export async function errorHistory(db: StoreDb, id: number): Promise<ErrorHistoryRow[]> {
  const rows = await db.selectFrom('error_events').selectAll().where('error_id', '=', id).orderBy('at').execute();
  return rows.map((r) => ({
    errorId: readInt(r.error_id),
    at: readTime(r.at),
    action: r.action as ErrorAction,
    runId: r.run_id === null ? null : readInt(r.run_id),
    message: r.message,
  }));
}

export async function purgeErrors(db: StoreDb, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('error_records')
    .where('status', 'in', ['retried', 'resolved'])
    .where('updated_at', '<', writeTime(before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

const repeatKey = (recordId: string, stage: string, code: string) => `${recordId}\u0000${stage}\u0000${code}`;

/**
 * Stores a page's failed records. A record that is still open with the same stage and code — it
 * failed the same way in an earlier run, e.g. a bad row a scheduled flow re-reads — is updated
 * (latest run, payload and message; attempts + 1) instead of being stored twice.
 */
export async function recordErrors(db: StoreDb, errors: readonly NewErrorRecord[]): Promise<void> {
  const fresh: NewErrorRecord[] = [];
  const byFlow = new Map<string, NewErrorRecord[]>();
  for (const e of errors) byFlow.set(e.flow, [...(byFlow.get(e.flow) ?? []), e]);
  for (const [flow, list] of byFlow) {
    const open = new Map<string, { id: number; attempts: number }>();
    const recordIds = [...new Set(list.map((e) => e.recordId))];
    for (let i = 0; i < recordIds.length; i += CHUNK) {
      const rows = await db
        .selectFrom('error_records')
        .select(['id', 'record_id', 'stage', 'code', 'attempts'])
        .where('flow', '=', flow)
        .where('status', '=', 'open')
        .where('record_id', 'in', recordIds.slice(i, i + CHUNK))
        .execute();
      for (const r of rows)
        open.set(repeatKey(r.record_id, r.stage, r.code), { id: readInt(r.id), attempts: readInt(r.attempts) });
    }
    for (const e of list) {
      const seen = open.get(repeatKey(e.recordId, e.stage, e.code));
      if (!seen) {
        fresh.push(e);
        continue;
      }
      await db
        .updateTable('error_records')
        .set({
          run_id: e.runId,
          message: e.message,
          hint: e.hint,
          field: e.field,
          payload: writeJson(e.payload),
          raw: e.raw,
          attempts: seen.attempts + e.attempts,
          updated_at: writeTime(e.createdAt),
        })
        .where('id', '=', seen.id)
        .execute();
      await db
        .insertInto('error_events')
        .values(failureEvent(seen.id, e, 'failed again'))
        .execute();
    }
  }
  if (fresh.length > 0) await insertErrors(db, fresh);
}
