import type { Json, JsonObject } from '../sdk/index.js';
import type { Lease, NewErrorRecord } from './state-store.js';

/**
 * The durable state of bi-directional syncs (docs/sync.md): the identity map (links), the changes read
 * from each side and not yet applied (the staging queue, which is also the retry set of failed
 * changes), the conflict queue, and the ids a reconcile pass saw. One code path for SQLite and
 * PostgreSQL. Writes a sync run makes carry its lease and are fenced by it (RUN_LEASE_LOST, writing
 * nothing, when lost); the review actions of `syncline conflicts|links|deletes` are not run writes.
 */

/** One side of a sync. */
export type SyncSide = 'a' | 'b';

/**
 * - `linked`: both ids known, in step as of `syncedAt`;
 * - `pending-create`: the record on `intent.side` is being created (the intent is written before the
 *   call, so a crash between the create and the link never creates it twice: see `intent`);
 * - `conflict`: an ambiguous match (the conflict queue names the candidates);
 * - `pending-delete`: deleted on `deletedOn`, waiting for review (delete policy `review`);
 * - `delete-approved`: a pending delete a person approved (`syncline deletes approve`): the next run
 *   propagates the delete of `deletedOn` to the other side (found with `linksByStatus`). Ignoring a
 *   pending delete sets the link back to `linked` with `deletedOn` null: nothing is deleted;
 * - `error`: the last write of the pair failed permanently `failures` times in a row (see `error`).
 */
export type LinkStatus = 'linked' | 'pending-create' | 'conflict' | 'pending-delete' | 'delete-approved' | 'error';

export interface LinkRow {
  id: number;
  sync: string;
  /** The record's key on side a / b; null only while `pending-create` on that side. */
  aId: string | null;
  bId: string | null;
  status: LinkStatus;
  /** Hash of the side's mapped fields as last synced (normalised): a change hashing the same is an echo. */
  aHash: string | null;
  bHash: string | null;
  /** The last synced values of the mapped fields, in each side's own field names: the three-way base. */
  baseA: JsonObject;
  baseB: JsonObject;
  /** Each side's change-cursor value of the record at the last sync, as its source gave it. */
  aChangedAt: Json;
  bChangedAt: Json;
  /** `pending-create`: the side being created and the hash of the values sent to it. */
  intent: { side: SyncSide; hash: string } | null;
  /** `pending-delete` (or a propagated delete): the side the record was deleted on. */
  deletedOn: SyncSide | null;
  /** The last failure of the pair (masked text), and how many writes in a row failed. */
  error: string | null;
  failures: number;
  syncedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

/** A link to insert (id and timestamps are the store's). */
export type NewLink = Omit<LinkRow, 'id' | 'createdAt' | 'updatedAt'>;
/** Fields of a link to change; `id` names it. */
export type LinkPatch = Partial<Omit<LinkRow, 'id' | 'sync' | 'createdAt' | 'updatedAt'>> & { id: number };

/** A change read from one side and not yet applied. Unique per (sync, side, rid): a newer read replaces it. */
export interface StagedChange {
  sync: string;
  side: SyncSide;
  /** The record's key on its side. */
  rid: string;
  /** The normalised match-rule value (first run pairing), null when the record has none. */
  matchKey: string | null;
  /** Hash of `values` (normalised), compared with the link's side hash (echo). */
  hash: string;
  /** The record's mapped fields, in its side's own field names. */
  values: JsonObject;
  /** The record's change-cursor value, as its source gave it (null when it has none). */
  changedAt: Json;
  /** The side's soft-delete field says deleted, or a reconcile pass did not find the record. */
  deleted: boolean;
  /** Order of staging (the store's sequence); the apply phase walks it. */
  seq: number;
  /** Apply attempts that failed, with the last failure; `parked` after too many (until `errors retry`). */
  attempts: number;
  error: string | null;
  parked: boolean;
}

export type NewStagedChange = Omit<StagedChange, 'seq' | 'attempts' | 'error' | 'parked'>;

export type ConflictStatus = 'open' | 'resolved' | 'applied' | 'cleared';

/** How a conflict was settled by a person (`syncline conflicts resolve`). */
export interface ConflictResolution {
  /** `a`/`b`: that side's value wins; `value`: `value` (in side a's terms) is written to both sides; `pair`/`separate`: match conflicts. */
  take: 'a' | 'b' | 'value' | 'pair' | 'separate';
  value?: Json;
  /** `pair`: the record key on the other side to link with. */
  pairWith?: string;
  by?: string;
}

/**
 * A conflict for review. `field`: both sides changed one mapped field since the last sync to values
 * that differ, and the policy left it to a person (`manual`, or `newest` within the skew). `match`:
 * a record with two or more candidates on the other side under the match rule (never guessed).
 */
export interface ConflictRow {
  id: number;
  sync: string;
  kind: 'field' | 'match';
  /** The link (field conflicts; match conflicts of an existing link), else null. */
  linkId: number | null;
  /** The sync field's name (`fields:` key); null for match conflicts. */
  field: string | null;
  aId: string | null;
  bId: string | null;
  /** Field conflicts: the last synced value and each side's new one (each in its side's terms). */
  base: Json;
  aValue: Json;
  bValue: Json;
  aChangedAt: Json;
  bChangedAt: Json;
  /** Match conflicts: the record and its candidates (`{ side, rid, values }`). */
  candidates: Json;
  status: ConflictStatus;
  resolution: ConflictResolution | null;
  note: string | null;
  runId: number | null;
  createdAt: Date;
  updatedAt: Date;
}

export type NewConflict = Omit<ConflictRow, 'id' | 'createdAt' | 'updatedAt' | 'status' | 'resolution' | 'note'>;

export interface ConflictFilter {
  sync?: string;
  status?: ConflictStatus | readonly ConflictStatus[];
  kind?: 'field' | 'match';
  field?: string;
  linkId?: number;
  /** A record key on either side. */
  record?: string;
  /** Cursor paging: ids after this one (ascending). */
  afterId?: number;
  /** Default 100. */
  limit?: number;
}

export interface LinkFilter {
  sync: string;
  status?: LinkStatus | readonly LinkStatus[];
  /** A key on either side (when it is one of a link, only those links), else text found in the base values (JSON text, case-insensitive). */
  search?: string;
  afterId?: number;
  /** Default 100. */
  limit?: number;
}

/**
 * One applied batch, in one transaction fenced by the run's lease: links inserted and changed, staged
 * changes consumed (deleted) or failed (attempts + 1, error, parked when `park`), conflicts opened,
 * updated (an open one of the same link and field is updated, not added twice) or cleared, and the
 * batch's error records.
 */
export interface SyncBatchCommit {
  lease: Lease;
  sync: string;
  insertLinks?: readonly NewLink[];
  updateLinks?: readonly LinkPatch[];
  deleteLinks?: readonly number[];
  consumed?: readonly { side: SyncSide; rid: string }[];
  failed?: readonly { side: SyncSide; rid: string; error: string; park: boolean }[];
  openConflicts?: readonly NewConflict[];
  /** Conflicts now settled: `applied` (a resolution was written), `cleared` (they went away). */
  closeConflicts?: readonly { id: number; status: 'applied' | 'cleared' }[];
  errors?: readonly NewErrorRecord[];
  at: Date;
}

/** What `commitBatch` stored. */
export interface SyncBatchCommitted {
  /** The ids of `insertLinks`, in order. */
  linkIds: readonly number[];
  /** The ids of `errors`, in order. */
  errorIds: readonly number[];
}

export interface SyncStore {
  /**
   * Stages one page of a side's changes (upsert by sync, side, rid: a newer read replaces the staged
   * one and clears its attempts), fenced; with `watermark`, moves the side's watermark in the same
   * transaction (the side was read to its end).
   */
  stage(commit: {
    lease: Lease;
    sync: string;
    side: SyncSide;
    changes: readonly NewStagedChange[];
    watermark?: Json;
    at: Date;
  }): Promise<void>;
  /** The side's watermark (the highest change cursor fully staged), if any. */
  getWatermark(sync: string, side: SyncSide): Promise<Json | undefined>;
  /** Staged changes after `afterSeq` in seq order, parked ones left out. */
  nextStaged(sync: string, afterSeq: number, limit: number): Promise<StagedChange[]>;
  /** Staged changes of one side by key. */
  stagedByIds(sync: string, side: SyncSide, rids: readonly string[]): Promise<StagedChange[]>;
  /** Staged changes (both sides, parked ones left out) whose match key is one of `keys`. */
  stagedByMatchKeys(sync: string, keys: readonly string[]): Promise<StagedChange[]>;
  /** Staged changes of one side whose hash is one of `hashes` (finding a create a crash left unlinked). */
  stagedByHashes(sync: string, side: SyncSide, hashes: readonly string[]): Promise<StagedChange[]>;
  countStaged(sync: string): Promise<{ pending: number; parked: number }>;
  /** Un-parks staged changes (all of the sync, or of these keys): `errors retry`. Returns how many. */
  unpark(sync: string, keys?: readonly { side: SyncSide; rid: string }[]): Promise<number>;

  commitBatch(commit: SyncBatchCommit): Promise<SyncBatchCommitted>;

  /** Links of one side by key. */
  linksByIds(sync: string, side: SyncSide, ids: readonly string[]): Promise<LinkRow[]>;
  getLink(id: number): Promise<LinkRow | undefined>;
  listLinks(filter: LinkFilter): Promise<LinkRow[]>;
  countLinks(filter: LinkFilter): Promise<number>;
  /** Links in a status (pending-create after a crash, pending-delete approved), id order, after `afterId`. */
  linksByStatus(sync: string, status: LinkStatus, afterId: number, limit: number): Promise<LinkRow[]>;
  /** Review actions (unfenced): change or remove a link (`links unlink|relink|resync`, `deletes approve|ignore`). */
  updateLink(patch: LinkPatch, at: Date): Promise<void>;
  deleteLink(id: number): Promise<boolean>;

  getConflict(id: number): Promise<ConflictRow | undefined>;
  listConflicts(filter: ConflictFilter): Promise<ConflictRow[]>;
  countConflicts(filter: ConflictFilter): Promise<number>;
  /** Resolves open conflicts (by ids, or every one matching the filter); returns the ids resolved. */
  resolveConflicts(
    which: { ids: readonly number[] } | { filter: ConflictFilter },
    resolution: ConflictResolution,
    note: string | null,
    at: Date,
  ): Promise<number[]>;

  /** Reconcile pass: records the keys a full read of a side saw (fenced). */
  addSeen(commit: { lease: Lease; sync: string; side: SyncSide; rids: readonly string[] }): Promise<void>;
  /** Links whose key on `side` the reconcile pass did not see, id order after `afterId`. */
  unseenLinks(sync: string, side: SyncSide, afterId: number, limit: number): Promise<LinkRow[]>;
  clearSeen(sync: string, side?: SyncSide): Promise<void>;

  /** Forgets every link, staged change, conflict, seen key and watermark of a sync (`syncline sync reset`). */
  resetSync(sync: string): Promise<void>;
}
