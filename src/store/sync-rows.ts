import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Json, JsonObject } from '../sdk/index.js';
import {
  readInt,
  readIntOrNull,
  readJson,
  readJsonOrNull,
  readTime,
  readTimeOrNull,
  writeJson,
  writeTime,
} from './codec.js';
import type { SyncChangesTable, SyncConflictsTable, SyncLinksTable } from './schema.js';
import type {
  ConflictResolution,
  ConflictRow,
  ConflictStatus,
  LinkPatch,
  LinkRow,
  LinkStatus,
  NewConflict,
  NewLink,
  NewStagedChange,
  StagedChange,
  SyncSide,
} from './sync-store.js';

/** Rows per statement: the widest sync row has 19 columns, far below SQLite's 32,766 parameters. */
export const SYNC_CHUNK = 1000;

/** `items` in slices of `size`. */
export function chunks<T>(items: readonly T[], size = SYNC_CHUNK): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export function toLinkRow(row: Selectable<SyncLinksTable>): LinkRow {
  return {
    id: readInt(row.id),
    sync: row.sync,
    aId: row.a_id,
    bId: row.b_id,
    status: row.status as LinkStatus,
    aHash: row.a_hash,
    bHash: row.b_hash,
    baseA: readJson<JsonObject>(row.base_a),
    baseB: readJson<JsonObject>(row.base_b),
    aChangedAt: readJson(row.a_changed_at),
    bChangedAt: readJson(row.b_changed_at),
    intent: readJsonOrNull<{ side: SyncSide; hash: string }>(row.intent),
    deletedOn: row.deleted_on as SyncSide | null,
    error: row.error,
    failures: readInt(row.failures),
    syncedAt: readTimeOrNull(row.synced_at),
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

export function linkInsert(link: NewLink, at: Date): Insertable<SyncLinksTable> {
  return {
    sync: link.sync,
    a_id: link.aId,
    b_id: link.bId,
    status: link.status,
    a_hash: link.aHash,
    b_hash: link.bHash,
    base_a: writeJson(link.baseA),
    base_b: writeJson(link.baseB),
    a_changed_at: writeJson(link.aChangedAt),
    b_changed_at: writeJson(link.bChangedAt),
    intent: link.intent === null ? null : writeJson(link.intent),
    deleted_on: link.deletedOn,
    error: link.error,
    failures: link.failures,
    synced_at: link.syncedAt === null ? null : writeTime(link.syncedAt),
    created_at: writeTime(at),
    updated_at: writeTime(at),
  };
}

/** The columns of the fields a patch (or a whole new link) gives; absent fields are left out. */
export function linkColumns(patch: Omit<LinkPatch, 'id'>): Updateable<SyncLinksTable> {
  const set: Updateable<SyncLinksTable> = {};
  if (patch.aId !== undefined) set.a_id = patch.aId;
  if (patch.bId !== undefined) set.b_id = patch.bId;
  if (patch.status !== undefined) set.status = patch.status;
  if (patch.aHash !== undefined) set.a_hash = patch.aHash;
  if (patch.bHash !== undefined) set.b_hash = patch.bHash;
  if (patch.baseA !== undefined) set.base_a = writeJson(patch.baseA);
  if (patch.baseB !== undefined) set.base_b = writeJson(patch.baseB);
  if (patch.aChangedAt !== undefined) set.a_changed_at = writeJson(patch.aChangedAt);
  if (patch.bChangedAt !== undefined) set.b_changed_at = writeJson(patch.bChangedAt);
  if (patch.intent !== undefined) set.intent = patch.intent === null ? null : writeJson(patch.intent);
  if (patch.deletedOn !== undefined) set.deleted_on = patch.deletedOn;
  if (patch.error !== undefined) set.error = patch.error;
  if (patch.failures !== undefined) set.failures = patch.failures;
  if (patch.syncedAt !== undefined) set.synced_at = patch.syncedAt === null ? null : writeTime(patch.syncedAt);
  return set;
}

export function toStagedChange(row: Selectable<SyncChangesTable>): StagedChange {
  return {
    sync: row.sync,
    side: row.side as SyncSide,
    rid: row.rid,
    matchKey: row.match_key,
    hash: row.hash,
    values: readJson<JsonObject>(row.values),
    changedAt: readJson(row.changed_at),
    deleted: readInt(row.deleted) === 1,
    seq: readInt(row.seq),
    attempts: readInt(row.attempts),
    error: row.error,
    parked: readInt(row.parked) === 1,
  };
}

/** The columns of a staged change's row, in the order changeInsert gives them. */
export const CHANGE_COLUMNS = [
  'sync',
  'side',
  'rid',
  'seq',
  'match_key',
  'hash',
  'values',
  'changed_at',
  'deleted',
  'attempts',
  'error',
  'parked',
] as const satisfies readonly (keyof Insertable<SyncChangesTable>)[];

/** A staged change as inserted (or replacing the staged one): fresh attempts, not parked. */
export function changeInsert(change: NewStagedChange, seq: number): Insertable<SyncChangesTable> {
  return {
    sync: change.sync,
    side: change.side,
    rid: change.rid,
    seq,
    match_key: change.matchKey,
    hash: change.hash,
    values: writeJson(change.values),
    changed_at: writeJson(change.changedAt),
    deleted: change.deleted ? 1 : 0,
    attempts: 0,
    error: null,
    parked: 0,
  };
}

export function toConflictRow(row: Selectable<SyncConflictsTable>): ConflictRow {
  return {
    id: readInt(row.id),
    sync: row.sync,
    kind: row.kind as ConflictRow['kind'],
    linkId: readIntOrNull(row.link_id),
    field: row.field,
    aId: row.a_id,
    bId: row.b_id,
    base: readJson(row.base),
    aValue: readJson(row.a_value),
    bValue: readJson(row.b_value),
    aChangedAt: readJson(row.a_changed_at),
    bChangedAt: readJson(row.b_changed_at),
    candidates: readJson(row.candidates),
    status: row.status as ConflictStatus,
    resolution: readJsonOrNull<ConflictResolution>(row.resolution),
    note: row.note,
    runId: readIntOrNull(row.run_id),
    createdAt: readTime(row.created_at),
    updatedAt: readTime(row.updated_at),
  };
}

/** The values of a conflict that a repeat of it replaces (the rest of the row stays). */
export function conflictValues(c: NewConflict, at: Date) {
  return {
    a_id: c.aId,
    b_id: c.bId,
    base: writeJson(c.base),
    a_value: writeJson(c.aValue),
    b_value: writeJson(c.bValue),
    a_changed_at: writeJson(c.aChangedAt),
    b_changed_at: writeJson(c.bChangedAt),
    candidates: writeJson(c.candidates as Json),
    run_id: c.runId,
    updated_at: writeTime(at),
  };
}

export function conflictInsert(c: NewConflict, at: Date): Insertable<SyncConflictsTable> {
  return {
    sync: c.sync,
    kind: c.kind,
    link_id: c.linkId,
    field: c.field,
    ...conflictValues(c, at),
    status: 'open',
    resolution: null,
    note: null,
    created_at: writeTime(at),
  };
}
