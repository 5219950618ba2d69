import type {
  InboxEvent,
  Json,
  JsonObject,
  NextAction,
  Stage,
  StageName,
  StateEntry,
  StateWrite,
  StoredState,
} from '../sdk/index.js';
import type { SyncStore } from './sync-store.js';

export type RunStatus =
  | 'running'
  | 'succeeded'
  | 'completed_with_errors'
  | 'failed'
  | 'canceled'
  | 'paused'
  | 'skipped';

export interface StageCounts {
  in: number;
  out: number;
  failed: number;
  /** Records a filter dropped, or a destination left alone (ignore-existing, unchanged). */
  skipped: number;
  /** Destinations: records found already committed before a crash (page marker), not written again. */
  alreadyWritten?: number;
  /** Milliseconds spent in this stage (processing or writing, retries included). */
  ms?: number;
  /** Destinations: written records the destination returned an id for (the ids: `listReturnedIds`). */
  ids?: number;
  /** The stage's own counters, summed over pages (a lookup's hits, misses and lookupMs). */
  stats?: Record<string, number>;
}

export interface RunCounts {
  read: number;
  written: number;
  skipped: number;
  failed: number;
  /**
   * Records a destination had already committed before a crash (its page marker was found on resume):
   * delivered once, not written again, not counted in `written`.
   */
  alreadyWritten?: number;
  /** Per step name. */
  steps: Record<string, StageCounts>;
  /** Per destination name. */
  destinations: Record<string, StageCounts>;
  /** Pipelines: records handed on to the next flows (`next:`). */
  handedOn?: number;
  /** Delta sync: what this run read (a full sync, or changes since a cursor value) and why. */
  delta?: { full: boolean; since: Json; reason: string; unchanged?: number };
  /** A sync run (docs/sync.md): what it did on each side. Absent for flow runs. */
  sync?: SyncCounts;
}

/** One side's counters of a sync run. */
export interface SyncSideCounts {
  /** Changes read from this side (staged). */
  read: number;
  /** Records created / updated / deleted on this side (flagged deletes count as updated). */
  created: number;
  updated: number;
  deleted: number;
  /** Changes read from this side that were our own earlier write coming back (not sent on). */
  echoes: number;
  /** Writes to this side that failed (their changes stay staged and go to the error store). */
  failed: number;
}

/** A sync run's counters (RunCounts.sync), shown by `syncline run`, `runs` and `status`. */
export interface SyncCounts {
  a: SyncSideCounts;
  b: SyncSideCounts;
  /** Pairs whose changes left both sides as they were (nothing to write). */
  unchanged: number;
  /** Pairs linked by the match rule this run. */
  matched: number;
  /** Field conflicts decided by the policy (newest, a, b) / sent to the review queue; match conflicts. */
  conflictsDecided: number;
  conflictsOpened: number;
  ambiguous: number;
  /** Deletes held for review (policy `review`). */
  pendingDeletes: number;
  /** The reconcile pass ran this run (full read of both sides). */
  reconciled?: boolean;
}

export interface RunError {
  code: string;
  message: string;
  hint?: string;
  /** What to do next, as data the adapters render (kept in the run's error JSON). */
  next?: readonly NextAction[];
}

export interface RunRow {
  id: number;
  flow: string;
  status: RunStatus;
  trigger: string;
  /** Absolute path of the flow file the run came from (for `errors retry`). */
  flowFile: string | null;
  startedAt: Date;
  endedAt: Date | null;
  heartbeatAt: Date;
  host: string;
  pid: number;
  pages: number;
  counts: RunCounts;
  error: RunError | null;
  /** Id of the interrupted run this one resumed. */
  resumedFrom: number | null;
}

export interface NewRun {
  flow: string;
  trigger: string;
  flowFile: string | null;
  host: string;
  pid: number;
  startedAt: Date;
  resumedFrom: number | null;
}

/**
 * Ownership of a flow (DESIGN.md: lease; docs/architecture.md, Run ownership): claimed by an owner
 * until a time, renewed by each commit and heartbeat for `ms` from then, released at the run's end.
 * The lease is the only authority over a flow: every write of a run (its start, each page commit, its
 * end) carries it and is fenced by its `token`; once another owner claims the flow (a higher token),
 * every write that carries the old lease fails with RUN_LEASE_LOST and writes nothing.
 */
export interface Lease {
  flow: string;
  /** Who holds it (the engine's `host:pid:instance`, src/sdk/run-lease.ts); opaque to the store. */
  owner: string;
  /** The fencing token: grows by one at every claim of the flow, never reused. */
  token: number;
  /** The lease window: a renewal at a time holds the flow until that time plus this. */
  ms: number;
  /** The run started under it (StateStore.startRun), for messages. */
  runId?: number;
}

/** The holder a claim took the flow from (its lease lapsed, or it was taken over). */
export interface PreviousHolder {
  owner: string;
  runId: number | null;
  token: number;
  expiresAt: Date;
  /** `lapsed`: its lease had expired; `taken over`: unexpired, but the claimer knew its owner gone. */
  how: 'lapsed' | 'taken over';
}

/** A freshly claimed lease (StateStore.claimLease). */
export interface ClaimedLease extends Lease {
  /** Set when the flow was still held (not released) by another owner when it was claimed. */
  previous?: PreviousHolder;
}

export interface ClaimOptions {
  /** The time of the claim (the caller's clock): a lease released or expiring at or before it is free. */
  at: Date;
  /**
   * Claim the flow although its lease has not expired: the token of the lease, as read, of an owner
   * known to be gone (its process is dead). Refused like any claim when the lease changed hands since
   * (another claimer was first): the token is compared in the claim's transaction.
   */
  takeOver?: number;
}

/** The flow's lease as stored. */
export interface StoredLease {
  /** Null when released (or never claimed). */
  owner: string | null;
  /** The run last started under it (kept after release). */
  runId: number | null;
  token: number;
  expiresAt: Date;
}

/** Starts a run under its flow's claimed lease (StateStore.startRun). */
export interface RunStart extends Omit<NewRun, 'resumedFrom' | 'flow'> {
  lease: ClaimedLease;
  /** Discard the flow's checkpoint (the run reads the source from the beginning). */
  fromStart?: boolean;
}

export interface StartedRun {
  run: RunRow;
  /** The lease, now naming its run. */
  lease: Lease;
  /** The checkpoint the run resumes from (none with `fromStart`). */
  checkpoint: CheckpointRow | undefined;
  /** The running run it replaced (marked `failed` with INTERRUPTED), if any. */
  replaced: RunRow | undefined;
}

/** The end of a run (StateStore.finishRun): its row, the watermark and the checkpoint, fenced by its lease. */
export interface RunFinish {
  runId: number;
  lease: Lease;
  patch: RunPatch;
  /** Delta sync: the watermark the completed run moves to. */
  watermark?: { source: string; value: Json };
  /** A completed run leaves no checkpoint: the next run starts over. */
  clearCheckpoint?: boolean;
  at: Date;
}

export interface RunPatch {
  status?: RunStatus;
  endedAt?: Date | null;
  heartbeatAt?: Date;
  pages?: number;
  counts?: RunCounts;
  error?: RunError | null;
}

export type ErrorStatus = 'open' | 'retried' | 'resolved';

export interface NewErrorRecord {
  flow: string;
  runId: number;
  /** Source record id (`line:42`, a key). */
  recordId: string;
  /** Where in the flow it failed (kept as its text form, see error-stage.ts). */
  stage: Stage;
  code: string;
  kind: string;
  message: string;
  hint: string | null;
  field: string | null;
  /** The record as it entered the failing stage. */
  payload: JsonObject;
  /** Raw text when the source could not parse it (malformed line). */
  raw: string | null;
  /**
   * What failed, by content: a hash of the source record (or of the raw text). A failure matches an
   * open record of the same flow, stage, code and record id only when this matches too, so a
   * different bad row at the same position (`line:3` of tomorrow's file) is a record of its own.
   * Absent: the store derives it from the payload. Null on records stored before it existed.
   */
  fingerprint?: string | null;
  attempts: number;
  createdAt: Date;
}

export interface ErrorRecordRow extends NewErrorRecord {
  id: number;
  status: ErrorStatus;
  note: string | null;
  updatedAt: Date;
}

export interface ErrorFilter {
  flow?: string;
  runId?: number;
  status?: ErrorStatus;
  code?: string;
  stage?: StageName;
  /** The source record id. */
  recordId?: string;
  /** `transient`, `record`, … (the kind of the latest error). */
  kind?: string;
  /** Created at or after. */
  since?: Date;
  /** Created before. */
  until?: Date;
  limit?: number;
  offset?: number;
}

export interface ErrorPatch {
  status?: ErrorStatus;
  note?: string | null;
  attempts?: number;
  payload?: JsonObject;
  /** Where it waits now: a retry that got past the steps but failed at one destination moves it there. */
  stage?: Stage;
  code?: string;
  message?: string;
  hint?: string | null;
  updatedAt: Date;
  /**
   * What happened, kept in the record's history (retry failed, retried, resolved); `payload` replaces
   * the record's, and the history line keeps it too (an edited payload is never lost).
   */
  history?: { action: ErrorAction; message: string };
}

/** One line of an error record's history. */
export type ErrorAction = 'failed' | 'failed again' | 'retry failed' | 'retried' | 'resolved';

export interface ErrorHistoryRow {
  errorId: number;
  at: Date;
  action: ErrorAction;
  /** The run that failed it, for `failed` and `failed again`. */
  runId: number | null;
  message: string;
  /**
   * The payload of this failure or retry when it differed from the record's at that moment (the first
   * failure always keeps its own): a later failure never replaces a stored payload, it is kept here.
   */
  payload: JsonObject | null;
}

export interface PageCommit {
  runId: number;
  flow: string;
  /** 1-based page number within the run. */
  seq: number;
  /** Resume position after this page; undefined = the source gave none (nothing stored). */
  checkpoint: Json | undefined;
  records: number;
  failed: number;
  durationMs: number;
  /** Run counts after this page (stored with the page, atomically). */
  counts: RunCounts;
  /** Failed records of this page: stored in the same transaction as the checkpoint. */
  errors: readonly NewErrorRecord[];
  /** Steps' state writes (dedupe keys), stored in the same transaction. */
  state?: readonly StateWrite[];
  /** Pipelines: records handed on to the next flows (JSON text each), stored in their inboxes in the same transaction. */
  handoff?: { flows: readonly string[]; payloads: readonly string[] };
  /** The flow's delta-sync state for its source, stored in the same transaction. */
  watermark?: { source: string; value: Json };
  /** The run's lease: checked and renewed in the same transaction (RUN_LEASE_LOST, nothing written, when lost). */
  lease?: Lease;
  /** Ids the destinations returned for this page's written records, stored in the same transaction. */
  ids?: readonly ReturnedId[];
  at: Date;
}

/** What a page commit stored. */
export interface CommittedPage {
  /** The error record of each of `errors`, in order: a new one, or the open one the same failure repeated. */
  readonly errorIds: readonly number[];
}

/** An id a destination returned for a written record (WriteResult.ids). */
export interface ReturnedId {
  destination: string;
  /** The source record's id (`line:42`, a key) and its key when the source gives one. */
  recordId: string;
  recordKey?: string | undefined;
  /** The id in the destination system. */
  id: string;
}

export interface ReturnedIdRow extends ReturnedId {
  runId: number;
  flow: string;
  /** The page (1-based) within the run. */
  seq: number;
  at: Date;
}

export interface ReturnedIdFilter {
  runId?: number;
  flow?: string;
  destination?: string;
  /** The source record's key or id. */
  record?: string;
  /** Default 100. */
  limit?: number;
}

export interface CheckpointRow {
  flow: string;
  runId: number;
  checkpoint: Json;
  updatedAt: Date;
}

export interface RunPageRow {
  runId: number;
  seq: number;
  records: number;
  failed: number;
  durationMs: number;
  checkpoint: Json | null;
  committedAt: Date;
}

export interface SecretRow {
  name: string;
  /** `v1:<key id>:<iv>:<tag>:<ciphertext>`, sealed by src/security/secret-box.ts. */
  sealed: string;
  updatedAt: Date;
}

export interface ApiTokenRow {
  name: string;
  /** SHA-256 of the token, hex (src/security/api-tokens.ts): the token itself is never stored. */
  hash: string;
  createdAt: Date;
}

export interface NewInboxEvent {
  flow: string;
  eventId: string | null;
  /** JSON text of the event, stored as is. */
  payload: string;
  receivedAt: Date;
}

/** `duplicate`: an event with the same id was already accepted for this flow (seq is that event's). */
export interface InboxAdd {
  seq: number;
  duplicate: boolean;
}

/** A connection's circuit breaker as last saved. */
export interface BreakerRow {
  /** The connection's name and a digest of its settings (two files may use one name for two systems). */
  key: string;
  /** The connection's name. */
  name: string;
  state: 'closed' | 'open' | 'half-open';
  failures: number;
  openedAt: Date | null;
  updatedAt: Date;
}

/**
 * All durable state of Syncline. One implementation over Kysely serves SQLite (embedded
 * default) and PostgreSQL; a conformance suite runs against both.
 */
export interface StateStore {
  readonly dialect: 'sqlite' | 'postgres';
  /** The state of bi-directional syncs: links, staged changes, conflicts, seen keys (sync-store.ts). */
  readonly sync: SyncStore;

  /** Unfenced (no lease): for test fixtures and the store's own suites only; runs start with `startRun`. */
  createRun(run: NewRun): Promise<RunRow>;
  /** Unfenced (no lease): for test fixtures only; a run's own writes go through commitPage and finishRun. */
  updateRun(id: number, patch: RunPatch): Promise<void>;
  getRun(id: number): Promise<RunRow | undefined>;
  listRuns(filter?: { flow?: string; status?: RunStatus; limit?: number }): Promise<RunRow[]>;
  /** Records a scheduled tick that did not start a run (another run of the flow was active): status `skipped`. */
  recordSkippedRun(run: NewRun, why: RunError): Promise<RunRow>;
  /** The run of this flow whose status is still `running`, if any (live or dead). */
  activeRun(flow: string): Promise<RunRow | undefined>;

  /**
   * Claims the flow for `owner` until `until`, with a token one higher than any before it. Refused with
   * RUN_ALREADY_ACTIVE while another claim holds it (not released, not expired at `options.at`), also
   * one by the same owner, unless `options.takeOver` is the token still held.
   */
  claimLease(flow: string, owner: string, until: Date, options: ClaimOptions): Promise<ClaimedLease>;
  /** Renews the lease until `until`; RUN_LEASE_LOST when it was claimed by another or released since. */
  renewLease(lease: Lease, until: Date): Promise<void>;
  /** Releases the lease (expired at `at`, token kept); RUN_LEASE_LOST when it was not held any more. */
  releaseLease(lease: Lease, at: Date): Promise<void>;
  /**
   * Atomically, fenced by the claimed lease (RUN_LEASE_LOST, writing nothing, when lost): creates a
   * running run holding it; a run of the flow still marked running (it cannot hold the lease) is marked
   * `failed` (INTERRUPTED) and the new run resumes from the checkpoint.
   */
  startRun(start: RunStart): Promise<StartedRun>;
  /**
   * Atomically: checks the lease (RUN_LEASE_LOST, writing nothing, when lost), moves the watermark,
   * clears the checkpoint, updates the run and releases the lease (expired at once, token kept).
   */
  finishRun(finish: RunFinish): Promise<void>;
  /** The flow's lease as stored (owner, run, token, expiry), if it was ever claimed. */
  getLease(flow: string): Promise<StoredLease | undefined>;

  /**
   * Atomically: the page row, the run's counts and pages, the error records and the checkpoint.
   * A failed record that is still open with the same stage and code is updated, not stored twice.
   */
  commitPage(commit: PageCommit): Promise<CommittedPage>;
  listPages(runId: number): Promise<RunPageRow[]>;
  /** Ids destinations returned for written records, in page and record order (per run, flow, destination or record). */
  listReturnedIds(filter: ReturnedIdFilter): Promise<ReturnedIdRow[]>;
  getCheckpoint(flow: string): Promise<CheckpointRow | undefined>;
  /** Unfenced (no lease): for test fixtures only; a run clears its checkpoint in finishRun. */
  clearCheckpoint(flow: string): Promise<void>;

  getWatermark(flow: string, source: string): Promise<Json | undefined>;
  /** Unfenced (no lease): for test fixtures only; a run moves its watermark in commitPage and finishRun. */
  setWatermark(flow: string, source: string, value: Json, at: Date): Promise<void>;

  /** Keyed state of steps (src/sdk/step-state.ts): shared lookup caches, dedupe keys, spilled groups. */
  getState(namespace: string, keys: readonly string[]): Promise<Map<string, StoredState>>;
  putState(namespace: string, entries: readonly StateEntry[], at: Date): Promise<void>;
  scanState(namespace: string, after: string | undefined, limit: number): Promise<StateEntry[]>;
  clearState(namespace: string, before?: Date): Promise<number>;

  addErrors(errors: readonly NewErrorRecord[]): Promise<number[]>;
  getError(id: number): Promise<ErrorRecordRow | undefined>;
  listErrors(filter?: ErrorFilter): Promise<ErrorRecordRow[]>;
  countErrors(filter?: ErrorFilter): Promise<number>;
  updateError(id: number, patch: ErrorPatch): Promise<void>;
  /** What happened to an error record, oldest first: each failure, retry and resolution. */
  errorHistory(id: number): Promise<ErrorHistoryRow[]>;
  /** Retention: removes retried and resolved records last updated before `before` (open ones stay). */
  purgeErrors(before: Date): Promise<number>;

  /**
   * Persists pushed events (before they are acknowledged) in one transaction, answering in the same
   * order; an event id seen before (or earlier in the list) is reported as a duplicate, not stored twice.
   */
  addInboxEvents(events: readonly NewInboxEvent[]): Promise<InboxAdd[]>;
  /** Up to `limit` events of the flow after position `after`, oldest first. */
  readInbox(flow: string, after: number, limit: number): Promise<InboxEvent[]>;
  /** Removes events at or before position `upTo` received before `before` (handled and old). Returns how many. */
  purgeInbox(flow: string, upTo: number, before: Date): Promise<number>;

  saveBreaker(row: BreakerRow): Promise<void>;
  getBreaker(key: string): Promise<BreakerRow | undefined>;
  listBreakers(): Promise<BreakerRow[]>;

  /** Sealed secrets (never plain text): insert or replace by name. */
  putSecret(name: string, sealed: string, at: Date): Promise<void>;
  getSecret(name: string): Promise<SecretRow | undefined>;
  listSecrets(): Promise<SecretRow[]>;
  deleteSecret(name: string): Promise<boolean>;

  /** API tokens of `syncline serve`, as hashes: insert or replace by name. */
  putApiToken(name: string, hash: string, at: Date): Promise<void>;
  listApiTokens(): Promise<ApiTokenRow[]>;
  deleteApiToken(name: string): Promise<boolean>;

  close(): Promise<void>;
}
