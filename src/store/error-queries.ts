import { createHash } from 'node:crypto';
import type { Insertable, Selectable, Updateable } from 'kysely';
import { canonicalJson, type JsonObject, stageText } from '../sdk/index.js';
import { readInt, readJson, readJsonOrNull, readTime, writeJson, writeTime } from './codec.js';
import { readStage, stageColumns } from './error-stage.js';
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

/** The hash of a payload: the identity of a failure that came without a fingerprint. */
export function payloadFingerprint(payload: JsonObject): string {
  return createHash('sha256').update(canonicalJson(payload)).digest('hex');
}

const fingerprintOf = (e: NewErrorRecord): string => e.fingerprint ?? payloadFingerprint(e.payload);

function toInsert(e: NewErrorRecord): Insertable<ErrorRecordsTable> {
  const at = writeTime(e.createdAt);
  return {
    flow: e.flow,
    run_id: e.runId,
    record_id: e.recordId,
    ...stageColumns(e.stage),
    code: e.code,
    kind: e.kind,
    message: e.message,
    hint: e.hint,
    field: e.field,
    payload: writeJson(e.payload),
    raw: e.raw,
    fingerprint: fingerprintOf(e),
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
    stage: readStage(row.stage, readInt(row.stage_index)),
    code: row.code,
    kind: row.kind,
    message: row.message,
    hint: row.hint,
    field: row.field,
    payload: readJson<JsonObject>(row.payload),
    raw: row.raw,
    fingerprint: row.fingerprint,
    attempts: readInt(row.attempts),
    createdAt: readTime(row.created_at),
    status: row.status,
    note: row.note,
    updatedAt: readTime(row.updated_at),
  };
}

/**
 * The history line of a failure of error record `id` (first or repeated), in the failing run, with
 * its payload when given (always for the first failure; for a repeat, when it differs from the record's).
 */
function failureEvent(
  id: number,
  e: NewErrorRecord,
  action: 'failed' | 'failed again',
  payload: JsonObject | null,
): Insertable<ErrorEventsTable> {
  return {
    error_id: id,
    at: writeTime(e.createdAt),
    action,
    run_id: e.runId,
    message: `[${e.code}] ${e.message}`,
    payload: payload === null ? null : writeJson(payload),
  };
}

/** Inserts error records (inside the caller's transaction, if any); returns their ids in order. */
export async function insertErrors(db: StoreDb, errors: readonly NewErrorRecord[]): Promise<number[]> {
  const ids: number[] = [];
  for (let i = 0; i < errors.length; i += CHUNK) {
    const rows = errors.slice(i, i + CHUNK).map(toInsert);
    const inserted = await db.insertInto('error_records').values(rows).returning('id').execute();
    const events = inserted.map((r, j) => {
      const e = errors[i + j] as NewErrorRecord;
      return failureEvent(readInt(r.id), e, 'failed', e.payload);
    });
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
  if (filter.stage !== undefined) query = query.where('stage', '=', stageText(filter.stage));
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
  if (patch.stage !== undefined) Object.assign(set, stageColumns(patch.stage));
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
        payload: patch.payload === undefined ? null : writeJson(patch.payload),
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
    payload: readJsonOrNull<JsonObject>(r.payload),
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

const repeatKey = (recordId: string, stage: string, code: string, fingerprint: string) =>
  `${recordId}\u0000${stage}\u0000${code}\u0000${fingerprint}`;

interface OpenMatch {
  readonly id: number;
  readonly attempts: number;
  /** Canonical JSON of the stored payload. */
  readonly payload: string;
  /** Stored before fingerprints existed: matched by an equal payload, then given the fingerprint. */
  readonly legacy: boolean;
}

/**
 * Stores a page's failed records. A record that is still open with the same stage, code and
 * fingerprint — the same content failed the same way in an earlier run, e.g. a bad row a scheduled
 * flow re-reads — gets a `failed again` line (latest run and message; attempts + 1) instead of being
 * stored twice. Its payload is never replaced: a repeat whose payload differs keeps it in the history
 * line. A different record at the same position (`line:3` of a rewritten file) is a new error record.
 */
export async function recordErrors(db: StoreDb, errors: readonly NewErrorRecord[]): Promise<number[]> {
  const fresh: NewErrorRecord[] = [];
  /** The id of each error, in the order given: an open record the failure repeated, or (below) a new one. */
  const ids: number[] = new Array<number>(errors.length).fill(0);
  const freshAt: number[] = [];
  const byFlow = new Map<string, { e: NewErrorRecord; i: number }[]>();
  errors.forEach((e, i) => {
    const list = byFlow.get(e.flow);
    if (list) list.push({ e, i });
    else byFlow.set(e.flow, [{ e, i }]);
  });
  for (const [flow, list] of byFlow) {
    const open = new Map<string, OpenMatch>();
    const recordIds = [...new Set(list.map(({ e }) => e.recordId))];
    for (let i = 0; i < recordIds.length; i += CHUNK) {
      const rows = await db
        .selectFrom('error_records')
        .select(['id', 'record_id', 'stage', 'code', 'attempts', 'payload', 'fingerprint'])
        .where('flow', '=', flow)
        .where('status', '=', 'open')
        .where('record_id', 'in', recordIds.slice(i, i + CHUNK))
        .orderBy('id')
        .execute();
      for (const r of rows) {
        const payload = canonicalJson(readJson<JsonObject>(r.payload));
        const legacy = r.fingerprint === null;
        const key = repeatKey(r.record_id, r.stage, r.code, r.fingerprint ?? `payload:${payload}`);
        if (!open.has(key)) open.set(key, { id: readInt(r.id), attempts: readInt(r.attempts), payload, legacy });
      }
    }
    for (const { e, i } of list) {
      const payload = canonicalJson(e.payload);
      const fingerprint = fingerprintOf(e);
      const seen =
        open.get(repeatKey(e.recordId, stageColumns(e.stage).stage, e.code, fingerprint)) ??
        legacyMatch(open.get(repeatKey(e.recordId, stageColumns(e.stage).stage, e.code, `payload:${payload}`)));
      if (!seen) {
        fresh.push(e);
        freshAt.push(i);
        continue;
      }
      ids[i] = seen.id;
      await db
        .updateTable('error_records')
        .set({
          run_id: e.runId,
          message: e.message,
          hint: e.hint,
          field: e.field,
          attempts: seen.attempts + e.attempts,
          updated_at: writeTime(e.createdAt),
          ...(seen.legacy ? { fingerprint } : {}),
        })
        .where('id', '=', seen.id)
        .execute();
      const moved = { ...seen, attempts: seen.attempts + e.attempts, legacy: false };
      open.set(repeatKey(e.recordId, stageColumns(e.stage).stage, e.code, fingerprint), moved);
      await db
        .insertInto('error_events')
        .values(failureEvent(seen.id, e, 'failed again', payload === seen.payload ? null : e.payload))
        .execute();
    }
  }
  if (fresh.length > 0) {
    const inserted = await insertErrors(db, fresh);
    inserted.forEach((id, j) => {
      ids[freshAt[j] as number] = id;
    });
  }
  return ids;
}

/** A record stored before fingerprints, with an equal payload, is the same failure. */
const legacyMatch = (m: OpenMatch | undefined): OpenMatch | undefined => (m?.legacy ? m : undefined);
