import type { Kysely } from 'kysely';
import { deleteApiToken, listApiTokens, putApiToken } from './api-token-queries.js';
import { getBreaker, listBreakers, saveBreaker } from './breaker-queries.js';
import {
  addErrors,
  countErrors,
  errorHistory,
  getError,
  listErrors,
  purgeErrors,
  updateError,
} from './error-queries.js';
import { addInboxEvents, purgeInbox, readInbox } from './inbox-queries.js';
import { getLease } from './lease-fence.js';
import { claimLease, finishRun, releaseLease, renewLease, startRun } from './lease-queries.js';
import type { StoreDialect } from './migrations.js';
import { clearCheckpoint, commitPage, getCheckpoint, listPages } from './page-queries.js';
import { listReturnedIds } from './returned-id-queries.js';
import { activeRun, createRun, getRun, listRuns, recordSkippedRun, updateRun } from './run-queries.js';
import type { StoreDatabase } from './schema.js';
import { deleteSecret, getSecret, listSecrets, putSecret } from './secret-queries.js';
import type { StateStore } from './state-store.js';
import { clearState, getState, putState, scanState } from './step-state-queries.js';
import { createSyncStore } from './sync-state-store.js';
import { getWatermark, setWatermark } from './watermark-queries.js';

/** The StateStore over an open, migrated Kysely instance: the same queries for both dialects. */
export function createKyselyStateStore(db: Kysely<StoreDatabase>, dialect: StoreDialect): StateStore {
  let closed: Promise<void> | undefined;
  return {
    dialect,
    sync: createSyncStore(db, dialect),
    createRun: (run) => createRun(db, run),
    updateRun: (id, patch) => updateRun(db, id, patch),
    getRun: (id) => getRun(db, id),
    listRuns: (filter) => listRuns(db, filter),
    activeRun: (flow) => activeRun(db, flow),
    recordSkippedRun: (run, why) => recordSkippedRun(db, run, why),
    claimLease: (flow, owner, until, options) => claimLease(db, flow, owner, until, options),
    renewLease: (lease, until) => renewLease(db, lease, until),
    releaseLease: (lease, at) => releaseLease(db, lease, at),
    startRun: (start) => startRun(db, start),
    finishRun: (finish) => finishRun(db, finish),
    getLease: (flow) => getLease(db, flow),
    commitPage: (commit) => commitPage(db, commit),
    listPages: (runId) => listPages(db, runId),
    listReturnedIds: (filter) => listReturnedIds(db, filter),
    getCheckpoint: (flow) => getCheckpoint(db, flow),
    clearCheckpoint: (flow) => clearCheckpoint(db, flow),
    getWatermark: (flow, source) => getWatermark(db, flow, source),
    setWatermark: (flow, source, value, at) => setWatermark(db, flow, source, value, at),
    getState: (namespace, keys) => getState(db, namespace, keys),
    putState: (namespace, entries, at) => putState(db, namespace, entries, at),
    scanState: (namespace, after, limit) => scanState(db, namespace, after, limit),
    clearState: (namespace, before) => clearState(db, namespace, before),
    addErrors: (errors) => addErrors(db, errors),
    getError: (id) => getError(db, id),
    listErrors: (filter) => listErrors(db, filter),
    countErrors: (filter) => countErrors(db, filter),
    updateError: (id, patch) => updateError(db, id, patch),
    errorHistory: (id) => errorHistory(db, id),
    purgeErrors: (before) => purgeErrors(db, before),
    addInboxEvents: (events) => addInboxEvents(db, events),
    readInbox: (flow, after, limit) => readInbox(db, flow, after, limit),
    purgeInbox: (flow, upTo, before) => purgeInbox(db, flow, upTo, before),
    saveBreaker: (row) => saveBreaker(db, row),
    getBreaker: (key) => getBreaker(db, key),
    listBreakers: () => listBreakers(db),
    putSecret: (name, sealed, at) => putSecret(db, name, sealed, at),
    getSecret: (name) => getSecret(db, name),
    listSecrets: () => listSecrets(db),
    deleteSecret: (name) => deleteSecret(db, name),
    putApiToken: (name, hash, at) => putApiToken(db, name, hash, at),
    listApiTokens: () => listApiTokens(db),
    deleteApiToken: (name) => deleteApiToken(db, name),
    // Ends the pg pool or closes the SQLite file; closing twice is harmless.
    close: () => {
      closed ??= db.destroy();
      return closed;
    },
  };
}
