import { FlowError } from '../sdk/index.js';
import { writeJson, writeTime } from './codec.js';
import { fenceLease, holdLease, toStoredLease } from './lease-fence.js';
import { clearCheckpoint, getCheckpoint } from './page-queries.js';
import { activeRun, createRun, getRun, type StoreDb, updateRun } from './run-queries.js';
import type {
  ClaimedLease,
  ClaimOptions,
  Lease,
  PreviousHolder,
  RunError,
  RunFinish,
  RunRow,
  RunStart,
  StartedRun,
  StoredLease,
} from './state-store.js';
import { setWatermark } from './watermark-queries.js';

/**
 * The flow's lease row, created (no owner, token 0) when the flow was never claimed. A write on
 * purpose: it takes SQLite's write lock before anything is read (waiting on busy_timeout, where a
 * read-then-write transaction would fail at once), and locks the row in PostgreSQL until the
 * transaction ends, so two claimers of one flow are serialized and the second sees the first's claim.
 */
async function lockLease(trx: StoreDb, flow: string): Promise<StoredLease> {
  const row = await trx
    .insertInto('leases')
    .values({ flow, owner: null, run_id: null, token: 0, expires_at: writeTime(new Date(0)) })
    .onConflict((oc) => oc.column('flow').doUpdateSet((eb) => ({ token: eb.ref('leases.token') })))
    .returningAll()
    .executeTakeFirstOrThrow();
  return toStoredLease(row);
}

async function alreadyActive(trx: StoreDb, flow: string, held: StoredLease & { owner: string }): Promise<FlowError> {
  const run = held.runId === null ? undefined : await getRun(trx, held.runId);
  const holder =
    run?.status === 'running' ? `run ${run.id}, pid ${run.pid} on ${run.host}` : `claimed by ${held.owner}`;
  return new FlowError(
    'RUN_ALREADY_ACTIVE',
    `flow "${flow}" is already running (${holder}; its lease runs until ${held.expiresAt.toISOString()})`,
  );
}

/** Claims the flow: a new token, refused while another claim holds it (StateStore.claimLease). */
export async function claimLease(
  db: StoreDb,
  flow: string,
  owner: string,
  until: Date,
  options: ClaimOptions,
): Promise<ClaimedLease> {
  return db.transaction().execute(async (trx) => {
    const held = await lockLease(trx, flow);
    let previous: PreviousHolder | undefined;
    if (held.owner !== null) {
      const lapsed = held.expiresAt <= options.at;
      if (!lapsed && options.takeOver !== held.token)
        throw await alreadyActive(trx, flow, { ...held, owner: held.owner });
      previous = {
        owner: held.owner,
        runId: held.runId,
        token: held.token,
        expiresAt: held.expiresAt,
        how: lapsed ? 'lapsed' : 'taken over',
      };
    }
    const token = held.token + 1;
    await trx
      .updateTable('leases')
      .set({ owner, run_id: null, token, expires_at: writeTime(until) })
      .where('flow', '=', flow)
      .execute();
    const lease: ClaimedLease = { flow, owner, token, ms: until.getTime() - options.at.getTime() };
    if (previous) lease.previous = previous;
    return lease;
  });
}

/** Renews the lease until `until`, and its run's heartbeat (the renewal's time) with it. */
export async function renewLease(db: StoreDb, lease: Lease, until: Date): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await holdLease(trx, lease, until);
    if (lease.runId === undefined) return;
    await trx
      .updateTable('runs')
      .set({ heartbeat_at: writeTime(new Date(until.getTime() - lease.ms)) })
      .where('id', '=', lease.runId)
      .execute();
  });
}

/** Gives the flow up: expired at `at`, no owner, the token kept for fencing. */
export async function releaseLease(db: StoreDb, lease: Lease, at: Date): Promise<void> {
  await fenceLease(db, lease, { owner: null, expires_at: writeTime(at) });
}

/** Why a run still marked running was replaced: its lease lapsed, its process was gone, or it held none. */
function interruption(active: RunRow, lease: ClaimedLease): string {
  const previous = lease.previous;
  if (previous?.runId !== active.id) return "it did not hold the flow's lease";
  if (previous.how === 'taken over') return `its process (pid ${active.pid} on ${active.host}) is gone`;
  return `its lease lapsed at ${previous.expiresAt.toISOString()} (no commit or heartbeat for ${lease.ms / 1000} s)`;
}

/** Starts a run under its claimed lease (fenced), replacing a run of the flow still marked running. */
export async function startRun(db: StoreDb, start: RunStart): Promise<StartedRun> {
  const { lease: claimed, fromStart, ...fields } = start;
  const flow = claimed.flow;
  const now = start.startedAt;
  return db.transaction().execute(async (trx) => {
    await holdLease(trx, claimed, new Date(now.getTime() + claimed.ms));
    const active = await activeRun(trx, flow);
    let replaced: RunRow | undefined;
    let why = '';
    if (active) {
      why = interruption(active, claimed);
      const error: RunError = { code: 'INTERRUPTED', message: why };
      await updateRun(trx, active.id, { status: 'failed', endedAt: now, error });
      replaced = { ...active, status: 'failed', endedAt: now, error };
    }
    if (fromStart) await clearCheckpoint(trx, flow);
    const checkpoint = fromStart ? undefined : await getCheckpoint(trx, flow);
    const run = await createRun(trx, { ...fields, flow, resumedFrom: checkpoint?.runId ?? replaced?.id ?? null });
    if (replaced) {
      const error: RunError = { code: 'INTERRUPTED', message: `${why}; run ${run.id} took over` };
      await trx
        .updateTable('runs')
        .set({ error: writeJson(error) })
        .where('id', '=', replaced.id)
        .execute();
      replaced = { ...replaced, error };
    }
    const { previous: _, ...lease } = claimed;
    await fenceLease(trx, lease, { run_id: run.id });
    return { run, lease: { ...lease, runId: run.id }, checkpoint, replaced };
  });
}

/** The end of a run, fenced: watermark, checkpoint and run row change only while the run holds its lease, which it then releases. */
export async function finishRun(db: StoreDb, finish: RunFinish): Promise<void> {
  const { lease, patch } = finish;
  await db.transaction().execute(async (trx) => {
    await fenceLease(trx, lease, { owner: null, expires_at: writeTime(finish.at) }); // released, the token kept
    if (finish.watermark)
      await setWatermark(trx, lease.flow, finish.watermark.source, finish.watermark.value, finish.at);
    if (finish.clearCheckpoint) await clearCheckpoint(trx, lease.flow);
    await updateRun(trx, finish.runId, patch);
  });
}
