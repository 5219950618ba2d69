import { FlowError } from '../sdk/index.js';
import { readInt, readIntOrNull, readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { Lease } from './state-store.js';

export interface StoredLease {
  runId: number | null;
  token: number;
  expiresAt: Date;
}

export async function getLease(db: StoreDb, flow: string): Promise<StoredLease | undefined> {
  const row = await db.selectFrom('leases').selectAll().where('flow', '=', flow).executeTakeFirst();
  if (row === undefined) return undefined;
  return { runId: readIntOrNull(row.run_id), token: readInt(row.token), expiresAt: readTime(row.expires_at) };
}

/** RUN_LEASE_LOST for a run whose lease another run took over, naming that run. */
async function leaseLost(db: StoreDb, lease: Lease): Promise<FlowError> {
  const now = await getLease(db, lease.flow);
  const by = now?.runId === null || now?.runId === undefined ? 'another run' : `run ${now.runId}`;
  return new FlowError(
    'RUN_LEASE_LOST',
    `run ${lease.runId} no longer holds flow "${lease.flow}": ${by} took it over after the lease lapsed (no commit or heartbeat for ${lease.ms / 1000} s); nothing more of run ${lease.runId} is written`,
  );
}

/** Checks that the run still holds its flow and holds it until `until`; RUN_LEASE_LOST (before any write) when not. */
export async function holdLease(db: StoreDb, lease: Lease, until: Date): Promise<void> {
  const result = await db
    .updateTable('leases')
    .set({ expires_at: writeTime(until) })
    .where('flow', '=', lease.flow)
    .where('run_id', '=', lease.runId)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw await leaseLost(db, lease);
}
