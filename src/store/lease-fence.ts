import { FlowError } from '../sdk/index.js';
import { readInt, readIntOrNull, readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { Lease, StoredLease } from './state-store.js';

export function toStoredLease(row: {
  owner: string | null;
  run_id: number | string | null;
  token: number | string | bigint;
  expires_at: Date | string;
}): StoredLease {
  return {
    owner: row.owner,
    runId: readIntOrNull(row.run_id),
    token: readInt(row.token),
    expiresAt: readTime(row.expires_at),
  };
}

export async function getLease(db: StoreDb, flow: string): Promise<StoredLease | undefined> {
  const row = await db.selectFrom('leases').selectAll().where('flow', '=', flow).executeTakeFirst();
  return row === undefined ? undefined : toStoredLease(row);
}

/** RUN_LEASE_LOST for a holder whose lease was claimed by another or released, naming what happened. */
async function leaseLost(db: StoreDb, lease: Lease): Promise<FlowError> {
  const now = await getLease(db, lease.flow);
  const who = lease.runId === undefined ? `the run of lease ${lease.token}` : `run ${lease.runId}`;
  const by = now?.runId === null || now?.runId === undefined ? 'another run' : `run ${now.runId}`;
  const what =
    now !== undefined && now.token > lease.token
      ? `${by} took it over (its lease lapsed: no commit or heartbeat for ${lease.ms / 1000} s, or its process was found gone)`
      : 'its lease was released';
  return new FlowError(
    'RUN_LEASE_LOST',
    `${who} no longer holds flow "${lease.flow}": ${what}; nothing more of ${who} is written`,
  );
}

/**
 * The fence: checks that `lease` still holds its flow (same owner, same token, not released) and
 * applies `set` to the lease row; RUN_LEASE_LOST, before any other write, when not. Being a write, it
 * takes SQLite's write lock and PostgreSQL's row lock first.
 */
export async function fenceLease(
  db: StoreDb,
  lease: Lease,
  set: { expires_at?: string; run_id?: number; owner?: null },
): Promise<void> {
  const result = await db
    .updateTable('leases')
    .set({ token: lease.token, ...set })
    .where('flow', '=', lease.flow)
    .where('owner', '=', lease.owner)
    .where('token', '=', lease.token)
    .executeTakeFirst();
  if (Number(result.numUpdatedRows) === 0) throw await leaseLost(db, lease);
}

/** Checks that the run still holds its flow and holds it until `until`; RUN_LEASE_LOST (before any write) when not. */
export async function holdLease(db: StoreDb, lease: Lease, until: Date): Promise<void> {
  await fenceLease(db, lease, { expires_at: writeTime(until) });
}
