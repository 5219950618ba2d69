import type { ColumnType, Generated } from 'kysely';
import type { ErrorStatus, RunStatus } from './state-store.js';

/**
 * A timestamp column: written as an ISO string (SQLite `text`, PostgreSQL casts it to `timestamptz`);
 * read as a string from SQLite and as a Date from PostgreSQL. `codec.ts` turns both into Dates.
 */
export type Timestamp = ColumnType<Date | string, string, string>;

/**
 * A JSON column: written as JSON text (SQLite `text`, PostgreSQL `jsonb`); always read as JSON text
 * (the PostgreSQL pool's type parser leaves jsonb unparsed, see `open-postgres.ts`).
 */
export type JsonText = ColumnType<string, string, string>;

/** An integer id or count: PostgreSQL's bigint arrives as a number through the pool's type parser; cast anyway. */
export type Id = ColumnType<number | string, number, number>;

export interface RunsTable {
  id: Generated<number | string>;
  flow: string;
  status: RunStatus;
  trigger: string;
  flow_file: string | null;
  started_at: Timestamp;
  ended_at: ColumnType<Date | string | null, string | null, string | null>;
  heartbeat_at: Timestamp;
  host: string;
  pid: number;
  pages: number;
  counts: JsonText;
  error: ColumnType<string | null, string | null, string | null>;
  resumed_from: ColumnType<number | string | null, number | null, number | null>;
}

export interface RunPagesTable {
  run_id: Id;
  seq: number;
  records: number;
  failed: number;
  duration_ms: number;
  checkpoint: ColumnType<string | null, string | null, string | null>;
  committed_at: Timestamp;
}

export interface CheckpointsTable {
  flow: string;
  run_id: Id;
  checkpoint: JsonText;
  updated_at: Timestamp;
}

export interface WatermarksTable {
  flow: string;
  source: string;
  value: JsonText;
  updated_at: Timestamp;
}

/** Secrets, sealed (AES-256-GCM) by src/security before they reach the store: no plain text here. */
export interface SecretsTable {
  name: string;
  sealed: string;
  updated_at: Timestamp;
}

/** API tokens of `syncline serve`: only a SHA-256 hash of each token is stored, never the token. */
export interface ApiTokensTable {
  name: string;
  hash: string;
  created_at: Timestamp;
}

export interface InboxEventsTable {
  seq: Generated<number | string>;
  flow: string;
  event_id: string | null;
  /** The event's JSON text, exactly as accepted. */
  payload: string;
  received_at: Timestamp;
}

export interface ErrorRecordsTable {
  id: Generated<number | string>;
  flow: string;
  run_id: Id;
  record_id: string;
  stage: string;
  stage_index: number;
  code: string;
  kind: string;
  message: string;
  hint: string | null;
  field: string | null;
  payload: JsonText;
  raw: string | null;
  /** What failed (a hash of the source record or raw text); null on records stored before migration 0007. */
  fingerprint: string | null;
  attempts: number;
  status: ErrorStatus;
  note: string | null;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ErrorEventsTable {
  error_id: Id;
  at: Timestamp;
  action: string;
  run_id: ColumnType<number | string | null, number | null, number | null>;
  message: string;
  /** The payload this failure or retry brought, when it differed from the record's (never lost). */
  payload: ColumnType<string | null, string | null | undefined, string | null>;
}

export interface BreakersTable {
  key: string;
  name: string;
  state: string;
  failures: number;
  opened_at: ColumnType<Date | string | null, string | null, string | null>;
  updated_at: Timestamp;
}

/** The tables of the state store, as Kysely sees them. */
/** Keyed state of steps (src/sdk/step-state.ts), per namespace. */
export interface StepStateTable {
  namespace: string;
  key: string;
  value: JsonText;
  at: Timestamp;
}

/** One row per flow that ever ran: who holds it, the fencing token and until when. */
export interface LeasesTable {
  flow: string;
  /** Who holds it (`host:pid:instance`); null once released. Added by migration 0011. */
  owner: string | null;
  run_id: ColumnType<number | string | null, number | null, number | null>;
  token: Id;
  expires_at: Timestamp;
}

/** Ids a destination returned for written records (WriteResult.ids), per run: source record → destination id. */
export interface RecordIdsTable {
  run_id: ColumnType<number | string, number, number>;
  flow: string;
  seq: number;
  pos: number;
  destination: string;
  record_id: string;
  record_key: string | null;
  dest_id: string;
  at: Timestamp;
}

type NullableText = ColumnType<string | null, string | null, string | null>;
type NullableTime = ColumnType<Date | string | null, string | null, string | null>;

/** Bi-directional syncs: the identity map, one row per linked pair (docs/sync.md). JSON columns are JSON text. */
export interface SyncLinksTable {
  id: Generated<number | string>;
  sync: string;
  a_id: NullableText;
  b_id: NullableText;
  status: string;
  a_hash: NullableText;
  b_hash: NullableText;
  base_a: string;
  base_b: string;
  a_changed_at: string;
  b_changed_at: string;
  intent: NullableText;
  deleted_on: NullableText;
  error: NullableText;
  failures: number;
  synced_at: NullableTime;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The staging queue of a sync: one row per (sync, side, record), in `seq` order; 0/1 for the flags. */
export interface SyncChangesTable {
  sync: string;
  side: string;
  rid: string;
  seq: Id;
  match_key: NullableText;
  hash: string;
  values: string;
  changed_at: string;
  deleted: number;
  attempts: number;
  error: NullableText;
  parked: number;
}

export interface SyncConflictsTable {
  id: Generated<number | string>;
  sync: string;
  kind: string;
  link_id: ColumnType<number | string | null, number | null, number | null>;
  field: NullableText;
  a_id: NullableText;
  b_id: NullableText;
  base: string;
  a_value: string;
  b_value: string;
  a_changed_at: string;
  b_changed_at: string;
  candidates: string;
  status: string;
  resolution: NullableText;
  note: NullableText;
  run_id: ColumnType<number | string | null, number | null, number | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

/** The keys a reconcile pass saw on a side. */
export interface SyncSeenTable {
  sync: string;
  side: string;
  rid: string;
}

export interface StoreDatabase {
  runs: RunsTable;
  run_pages: RunPagesTable;
  checkpoints: CheckpointsTable;
  watermarks: WatermarksTable;
  error_records: ErrorRecordsTable;
  secrets: SecretsTable;
  inbox_events: InboxEventsTable;
  error_events: ErrorEventsTable;
  breakers: BreakersTable;
  step_state: StepStateTable;
  api_tokens: ApiTokensTable;
  leases: LeasesTable;
  record_ids: RecordIdsTable;
  sync_links: SyncLinksTable;
  sync_changes: SyncChangesTable;
  sync_conflicts: SyncConflictsTable;
  sync_seen: SyncSeenTable;
}
