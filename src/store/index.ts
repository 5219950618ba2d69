export { createKyselyStateStore } from './kysely-state-store.js';
export { storeMigrations } from './migrations.js';
export { DEFAULT_STORE_PATH, defaultStoreLocation, type OpenStoreOptions, openStore } from './open-store.js';
export type {
  ApiTokenRow,
  BreakerRow,
  CheckpointRow,
  ErrorAction,
  ErrorFilter,
  ErrorHistoryRow,
  ErrorPatch,
  ErrorRecordRow,
  ErrorStatus,
  InboxAdd,
  NewErrorRecord,
  NewInboxEvent,
  NewRun,
  PageCommit,
  RunCounts,
  RunError,
  RunPageRow,
  RunPatch,
  RunRow,
  RunStatus,
  SecretRow,
  StageCounts,
  StateStore,
} from './state-store.js';
