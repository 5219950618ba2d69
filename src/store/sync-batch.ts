import { recordErrors } from './error-queries.js';
import { holdLease } from './lease-fence.js';
import type { StoreDialect } from './migrations.js';
import { isUniqueViolation, type StoreDb } from './run-queries.js';
import { consumeStaged, failStaged } from './sync-change-queries.js';
import { clearLinkConflicts, closeConflicts, openConflicts } from './sync-conflict-queries.js';
import { updateLinks } from './sync-link-bulk.js';
import { deleteLinks, insertLinks } from './sync-link-queries.js';
import { linkTaken } from './sync-link-taken.js';
import type { SyncBatchCommit, SyncBatchCommitted } from './sync-store.js';
import { clearSyncWatermarks } from './sync-watermark.js';

/**
 * One applied batch of a sync in ONE transaction, fenced by the run's lease (RUN_LEASE_LOST, nothing
 * written, when lost). Links are deleted, then changed, then inserted (a record unlinked and linked
 * again in one batch keeps its side unique); conflicts are closed before new ones open. Error records
 * go through the error store's own insert (a repeat of an open one is updated, not added twice). A
 * record linked twice (a side's key on two links) is refused with SYNC_LINK_TAKEN, nothing written.
 */
export async function commitBatch(
  db: StoreDb,
  dialect: StoreDialect,
  commit: SyncBatchCommit,
): Promise<SyncBatchCommitted> {
  try {
    return await writeBatch(db, dialect, commit);
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
    throw (await linkTaken(db, commit, error)) ?? error;
  }
}

async function writeBatch(db: StoreDb, dialect: StoreDialect, commit: SyncBatchCommit): Promise<SyncBatchCommitted> {
  const { sync, at } = commit;
  return db.transaction().execute(async (trx) => {
    await holdLease(trx, commit.lease, new Date(at.getTime() + commit.lease.ms));
    if (commit.deleteLinks && commit.deleteLinks.length > 0) {
      await deleteLinks(trx, commit.deleteLinks);
      await clearLinkConflicts(trx, commit.deleteLinks, at);
    }
    if (commit.updateLinks && commit.updateLinks.length > 0) await updateLinks(trx, dialect, commit.updateLinks, at);
    const linkIds = commit.insertLinks ? await insertLinks(trx, commit.insertLinks, at) : [];
    if (commit.consumed) await consumeStaged(trx, sync, commit.consumed);
    if (commit.failed) await failStaged(trx, sync, commit.failed);
    if (commit.closeConflicts) await closeConflicts(trx, commit.closeConflicts, at);
    if (commit.openConflicts) await openConflicts(trx, commit.openConflicts, at);
    const errorIds = commit.errors && commit.errors.length > 0 ? await recordErrors(trx, commit.errors) : [];
    return { linkIds, errorIds };
  });
}

/** Forgets one sync's links, staged changes, conflicts, seen keys and side watermarks (not other syncs'). */
export async function resetSync(db: StoreDb, sync: string): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of ['sync_links', 'sync_changes', 'sync_conflicts', 'sync_seen'] as const)
      await trx.deleteFrom(table).where('sync', '=', sync).execute();
    await clearSyncWatermarks(trx, sync);
  });
}
