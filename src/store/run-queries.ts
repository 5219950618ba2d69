import type { Kysely, Selectable, Updateable } from 'kysely';
import { FlowError } from '../sdk/index.js';
import {
  readInt,
  readIntOrNull,
  readJson,
  readJsonOrNull,
  readTime,
  readTimeOrNull,
  writeJson,
  writeTime,
} from './codec.js';
import type { RunsTable, StoreDatabase } from './schema.js';
import type { NewRun, RunCounts, RunError, RunPatch, RunRow, RunStatus } from './state-store.js';

export type StoreDb = Kysely<StoreDatabase>;

function emptyCounts(): RunCounts {
  return { read: 0, written: 0, skipped: 0, failed: 0, steps: {}, destinations: {} };
}

export function toRunRow(row: Selectable<RunsTable>): RunRow {
  return {
    id: readInt(row.id),
    flow: row.flow,
    status: row.status,
    trigger: row.trigger,
    flowFile: row.flow_file,
    startedAt: readTime(row.started_at),
    endedAt: readTimeOrNull(row.ended_at),
    heartbeatAt: readTime(row.heartbeat_at),
    host: row.host,
    pid: readInt(row.pid),
    pages: readInt(row.pages),
    counts: readJson<RunCounts>(row.counts),
    error: readJsonOrNull<RunError>(row.error),
    resumedFrom: readIntOrNull(row.resumed_from),
  };
}

/** A UNIQUE constraint refused the write (either dialect). */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string };
  return (
    e.code === '23505' || e.code === 'SQLITE_CONSTRAINT_UNIQUE' || /UNIQUE constraint failed/.test(e.message ?? '')
  );
}

/** Starts a run; fails with RUN_ALREADY_ACTIVE when the flow already has one running. */
export async function recordSkippedRun(db: StoreDb, run: NewRun, why: RunError): Promise<RunRow> {
  const at = writeTime(run.startedAt);
  const row = await db
    .insertInto('runs')
    .values({
      flow: run.flow,
      status: 'skipped',
      trigger: run.trigger,
      flow_file: run.flowFile,
      started_at: at,
      ended_at: at,
      heartbeat_at: at,
      host: run.host,
      pid: run.pid,
      pages: 0,
      counts: writeJson(emptyCounts()),
      error: writeJson(why),
      resumed_from: null,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toRunRow(row);
}

export async function createRun(db: StoreDb, run: NewRun): Promise<RunRow> {
  const row = await db
    .insertInto('runs')
    .values({
      flow: run.flow,
      status: 'running',
      trigger: run.trigger,
      flow_file: run.flowFile,
      started_at: writeTime(run.startedAt),
      ended_at: null,
      heartbeat_at: writeTime(run.startedAt),
      host: run.host,
      pid: run.pid,
      pages: 0,
      counts: writeJson(emptyCounts()),
      error: null,
      resumed_from: run.resumedFrom,
    })
    .returningAll()
    .executeTakeFirstOrThrow()
    .catch((error: unknown) => {
      if (!isUniqueViolation(error)) throw error;
      throw new FlowError('RUN_ALREADY_ACTIVE', `flow "${run.flow}" already has a running run`, { cause: error });
    });
  return toRunRow(row);
}

export async function updateRun(db: StoreDb, id: number, patch: RunPatch): Promise<void> {
  const set: Updateable<RunsTable> = {};
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.endedAt !== undefined) set.ended_at = patch.endedAt === null ? null : writeTime(patch.endedAt);
  if (patch.heartbeatAt !== undefined) set.heartbeat_at = writeTime(patch.heartbeatAt);
  if (patch.pages !== undefined) set.pages = patch.pages;
  if (patch.counts !== undefined) set.counts = writeJson(patch.counts);
  if (patch.error !== undefined) set.error = patch.error === null ? null : writeJson(patch.error);
  if (Object.keys(set).length === 0) return;
  await db.updateTable('runs').set(set).where('id', '=', id).execute();
}

export async function getRun(db: StoreDb, id: number): Promise<RunRow | undefined> {
  const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst();
  return row === undefined ? undefined : toRunRow(row);
}

export async function listRuns(
  db: StoreDb,
  filter: { flow?: string; status?: RunStatus; limit?: number } = {},
): Promise<RunRow[]> {
  let query = db.selectFrom('runs').selectAll();
  if (filter.flow !== undefined) query = query.where('flow', '=', filter.flow);
  if (filter.status !== undefined) query = query.where('status', '=', filter.status);
  query = query.orderBy('started_at', 'desc').orderBy('id', 'desc');
  if (filter.limit !== undefined) query = query.limit(filter.limit);
  return (await query.execute()).map(toRunRow);
}

export async function activeRun(db: StoreDb, flow: string): Promise<RunRow | undefined> {
  const row = await db
    .selectFrom('runs')
    .selectAll()
    .where('flow', '=', flow)
    .where('status', '=', 'running')
    .orderBy('started_at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row === undefined ? undefined : toRunRow(row);
}
