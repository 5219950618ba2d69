import { FlowError } from '../sdk/index.js';
import { readInt, readIntOrNull, readTime, writeJson, writeTime } from './codec.js';
import { holdLease, type StoredLease } from './lease-fence.js';
import { clearCheckpoint, getCheckpoint } from './page-queries.js';
import { activeRun, createRun, type StoreDb, updateRun } from './run-queries.js';
import type { Lease, RunError, RunFinish, RunRow, RunStart, StartedRun } from './state-store.js';
import { setWatermark } from './watermark-queries.js';

const later = (at: Date, ms: number) => new Date(at.getTime() + ms);

/**
 * The flow's lease row, created (owner none, token 0) when the flow never ran. A write on purpose: it
 * takes SQLite's write lock before anything is read (waiting on busy_timeout, where a read-then-write
 * transaction would fail at once), and locks the row in PostgreSQL until the transaction ends.
 */
async function lockLease(trx: StoreDb, flow: string): Promise<StoredLease> {
  const row = await trx
    .insertInto('leases')
    .values({ flow, run_id: null, token: 0, expires_at: writeTime(new Date(0)) })
    .onConflict((oc) => oc.column('flow').doUpdateSet((eb) => ({ token: eb.ref('leases.token') })))
    .returningAll()
    .executeTakeFirstOrThrow();
  return { runId: readIntOrNull(row.run_id), token: readInt(row.token), expiresAt: readTime(row.expires_at) };
}

/** Renews the lease for another window from `at`, and the run's heartbeat with it. */
export async function renewLease(db: StoreDb, lease: Lease, at: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await holdLease(trx, lease, later(at, lease.ms));
    await trx
      .updateTable('runs')
      .set({ heartbeat_at: writeTime(at) })
      .where('id', '=', lease.runId)
      .execute();
  });
}

function alreadyActive(active: RunRow, until: Date): FlowError {
  return new FlowError(
    'RUN_ALREADY_ACTIVE',
    `flow "${active.flow}" is already running (run ${active.id}, pid ${active.pid} on ${active.host}; its lease runs until ${until.toISOString()})`,
  );
}

/** Takes the flow's lease and starts a run holding it, replacing a running run whose lease lapsed (or whose process is gone). */
export async function startRun(db: StoreDb, start: RunStart): Promise<StartedRun> {
  const { leaseMs, replace, fromStart, ...fields } = start;
  const now = start.startedAt;
  return db.transaction().execute(async (trx) => {
    const held = await lockLease(trx, start.flow);
    const active = await activeRun(trx, start.flow);
    let replaced: RunRow | undefined;
    let why = '';
    if (active) {
      // a run from before leases existed has no lease row: its heartbeat counts instead
      const until = held.runId === active.id ? held.expiresAt : later(active.heartbeatAt, leaseMs);
      if (replace !== active.id && until > now) throw alreadyActive(active, until);
      why =
        replace === active.id
          ? `its process (pid ${active.pid} on ${active.host}) is gone`
          : `its lease lapsed at ${until.toISOString()} (no commit or heartbeat for ${leaseMs / 1000} s)`;
      const error: RunError = { code: 'INTERRUPTED', message: why };
      await trx
        .updateTable('runs')
        .set({ status: 'failed', ended_at: writeTime(now), error: writeJson(error) })
        .where('id', '=', active.id)
        .execute();
      replaced = { ...active, status: 'failed', endedAt: now, error };
    }
    if (fromStart) await clearCheckpoint(trx, start.flow);
    const checkpoint = fromStart ? undefined : await getCheckpoint(trx, start.flow);
    const run = await createRun(trx, { ...fields, resumedFrom: checkpoint?.runId ?? replaced?.id ?? null });
    if (replaced) {
      const error: RunError = { code: 'INTERRUPTED', message: `${why}; run ${run.id} took over` };
      await trx
        .updateTable('runs')
        .set({ error: writeJson(error) })
        .where('id', '=', replaced.id)
        .execute();
      replaced = { ...replaced, error };
    }
    const token = held.token + 1;
    await trx
      .updateTable('leases')
      .set({ run_id: run.id, token, expires_at: writeTime(later(now, leaseMs)) })
      .where('flow', '=', start.flow)
      .execute();
    return { run, lease: { flow: start.flow, runId: run.id, token, ms: leaseMs }, checkpoint, replaced };
  });
}

/** The end of a run, fenced: watermark, checkpoint and run row change only while the run holds its lease, which it then releases. */
export async function finishRun(db: StoreDb, finish: RunFinish): Promise<void> {
  const { lease, patch } = finish;
  await db.transaction().execute(async (trx) => {
    await holdLease(trx, lease, finish.at); // released: lapsed now, the token kept for fencing
    if (finish.watermark)
      await setWatermark(trx, lease.flow, finish.watermark.source, finish.watermark.value, finish.at);
    if (finish.clearCheckpoint) await clearCheckpoint(trx, lease.flow);
    await updateRun(trx, lease.runId, patch);
  });
}
