import { fenceLease } from './lease-fence.js';
import type { StoreDb } from './run-queries.js';
import type { Lease } from './state-store.js';
import { chunks, toLinkRow } from './sync-rows.js';
import type { LinkRow, SyncSide } from './sync-store.js';

/**
 * The reconcile pass of a sync: the keys a full read of a side saw, then the links whose key on that
 * side was not among them (the record is gone from that side).
 */
export async function addSeen(
  db: StoreDb,
  commit: { lease: Lease; sync: string; side: SyncSide; rids: readonly string[] },
): Promise<void> {
  await db.transaction().execute(async (trx) => {
    // fenced (checked, not renewed: the pass's pages renew it through their own commits and heartbeats)
    await fenceLease(trx, commit.lease, {});
    for (const part of chunks([...new Set(commit.rids)]))
      await trx
        .insertInto('sync_seen')
        .values(part.map((rid) => ({ sync: commit.sync, side: commit.side, rid })))
        .onConflict((oc) => oc.columns(['sync', 'side', 'rid']).doNothing())
        .execute();
  });
}

/** Links (not pending-create) with a key on `side` that the pass did not see, id order after `afterId`. */
export async function unseenLinks(
  db: StoreDb,
  sync: string,
  side: SyncSide,
  afterId: number,
  limit: number,
): Promise<LinkRow[]> {
  const column = side === 'a' ? 'sync_links.a_id' : 'sync_links.b_id';
  const rows = await db
    .selectFrom('sync_links')
    .selectAll()
    .where('sync_links.sync', '=', sync)
    .where('sync_links.status', '!=', 'pending-create')
    .where(column, 'is not', null)
    .where('sync_links.id', '>', afterId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('sync_seen')
            .select('sync_seen.rid')
            .whereRef('sync_seen.sync', '=', 'sync_links.sync')
            .where('sync_seen.side', '=', side)
            .whereRef('sync_seen.rid', '=', column),
        ),
      ),
    )
    .orderBy('sync_links.id')
    .limit(limit)
    .execute();
  return rows.map(toLinkRow);
}

export async function clearSeen(db: StoreDb, sync: string, side?: SyncSide): Promise<void> {
  let query = db.deleteFrom('sync_seen').where('sync', '=', sync);
  if (side !== undefined) query = query.where('side', '=', side);
  await query.execute();
}
