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
  Lease,
  NewErrorRecord,
  NewInboxEvent,
  NewRun,
  PageCommit,
  RunCounts,
  RunError,
  RunFinish,
  RunPageRow,
  RunPatch,
  RunRow,
  RunStart,
  RunStatus,
  SecretRow,
  StageCounts,
  StartedRun,
  StateStore,
} from './state-store.js';
export { chooseStore, STORE_FILE, STORE_FOLDER, type StoreChoice, type StoreChoiceInput } from './store-location.js';
