export type { Catalog } from '../config/catalog.js';
export type { ProjectDefinition, SyncDefinition } from '../config/definition.js';
export type {
  ConnectionCheckResult,
  PreviewResult,
  PreviewRow,
  RetryOutcome,
  RunEvent,
  RunEvents,
  RunProgress,
  Unsubscribe,
} from '../engine/index.js';
export { notifyConfigSchema } from '../observe/index.js';
export { createInProcessQueue, type RunQueue, type RunRequest, type RunTrigger } from '../queue/index.js';
export type {
  BreakerRow,
  ErrorFilter,
  ErrorHistoryRow,
  ErrorRecordRow,
  ErrorStatus,
  ReturnedIdRow,
  RunCounts,
  RunRow,
  RunStatus,
  SyncCounts,
  SyncSideCounts,
} from '../store/state-store.js';
export type {
  ConflictFilter,
  ConflictResolution,
  ConflictRow,
  ConflictStatus,
  LinkRow,
  LinkStatus,
  SyncSide,
} from '../store/sync-store.js';
export type { Connections } from './connections.js';
export { createSyncline, type Syncline, type SynclineOptions } from './create-syncline.js';
export type { PiiPaths } from './error-masking.js';
export type { Errors, ErrorTarget, ErrorView, ResolveEvent, RetryEvent } from './errors.js';
export { createInboxWriter, type InboxWriter } from './inbox-writer.js';
export { openSyncline, type StoreLocation } from './open-syncline.js';
export type { Preview } from './preview.js';
export type { Projects, RedactionSink } from './projects.js';
export type { ReturnedIds } from './returned-ids.js';
export type { RunHistory } from './run-history.js';
export type { Requested, RunInput, RunService } from './runs.js';
export { checkSecretName, type Secrets } from './secrets.js';
export type { ServedFlow, ServeOptions, Service, WebhookHook } from './service.js';
export type { FlowStatus, Status, StatusReport } from './status.js';
export type { MasterKeyLoader } from './stored-secrets.js';
export {
  type ConflictTarget,
  matchCandidates,
  type ShownConflict,
  type SyncConflicts,
  type SyncView,
} from './sync-conflicts.js';
export type { DeleteTarget, SyncDeletes } from './sync-deletes.js';
export type { SyncLinks } from './sync-links.js';
export type { SyncInfo, SyncLookup } from './sync-lookup.js';
export type { SyncStatus, Syncs } from './syncs.js';
export type { Tokens } from './tokens.js';
export { flowFileSchema, type Validate, type Validation } from './validate.js';
