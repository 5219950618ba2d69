import type { StoreDialect } from './migrations.js';
import type { StoreDb } from './run-queries.js';
import { commitBatch, resetSync } from './sync-batch.js';
import {
  countStaged,
  nextStaged,
  stage,
  stagedByHashes,
  stagedByIds,
  stagedByMatchKeys,
  unpark,
} from './sync-change-queries.js';
import { countConflicts, getConflict, listConflicts, resolveConflicts } from './sync-conflict-queries.js';
import {
  countLinks,
  deleteLink,
  getLink,
  linksByIds,
  linksByStatus,
  listLinks,
  updateLink,
} from './sync-link-queries.js';
import { addSeen, clearSeen, unseenLinks } from './sync-seen-queries.js';
import type { SyncStore } from './sync-store.js';
import { getSyncWatermark } from './sync-watermark.js';

/** The SyncStore (StateStore.sync) over the state store's Kysely instance: one code path for both dialects. */
export function createSyncStore(db: StoreDb, dialect: StoreDialect): SyncStore {
  return {
    stage: (commit) => stage(db, dialect, commit),
    getWatermark: (sync, side) => getSyncWatermark(db, sync, side),
    nextStaged: (sync, afterSeq, limit) => nextStaged(db, sync, afterSeq, limit),
    stagedByIds: (sync, side, rids) => stagedByIds(db, sync, side, rids),
    stagedByMatchKeys: (sync, keys) => stagedByMatchKeys(db, sync, keys),
    stagedByHashes: (sync, side, hashes) => stagedByHashes(db, sync, side, hashes),
    countStaged: (sync) => countStaged(db, sync),
    unpark: (sync, keys) => unpark(db, sync, keys),
    commitBatch: (commit) => commitBatch(db, dialect, commit),
    linksByIds: (sync, side, ids) => linksByIds(db, sync, side, ids),
    getLink: (id) => getLink(db, id),
    listLinks: (filter) => listLinks(db, filter),
    countLinks: (filter) => countLinks(db, filter),
    linksByStatus: (sync, status, afterId, limit) => linksByStatus(db, sync, status, afterId, limit),
    updateLink: (patch, at) => updateLink(db, patch, at),
    deleteLink: (id) => deleteLink(db, id),
    getConflict: (id) => getConflict(db, id),
    listConflicts: (filter) => listConflicts(db, filter),
    countConflicts: (filter) => countConflicts(db, filter),
    resolveConflicts: (which, resolution, note, at) => resolveConflicts(db, which, resolution, note, at),
    addSeen: (commit) => addSeen(db, commit),
    unseenLinks: (sync, side, afterId, limit) => unseenLinks(db, sync, side, afterId, limit),
    clearSeen: (sync, side) => clearSeen(db, sync, side),
    resetSync: (sync) => resetSync(db, sync),
  };
}
