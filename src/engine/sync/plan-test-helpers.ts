import type { SyncDefinition, SyncFieldDefinition, SyncSideDefinition } from '../../config/definition.js';
import type { Json, JsonObject } from '../../sdk/index.js';
import type { ConflictResolution, ConflictRow, LinkRow, StagedChange } from '../../store/sync-store.js';
import { compileSync } from './compile-sync.js';
import type { CompiledSync, Side } from './sync-plan-types.js';

/** Test fixtures of the sync planner: definitions, staged changes, links and conflicts. */

type FieldInput = Partial<Omit<SyncFieldDefinition, 'name' | 'where'>> & { readonly name: string };

function side(name: Side): SyncSideDefinition {
  const part = { type: 'sqlite.table', config: {}, where: `test.yaml:${name}` };
  return {
    side: name,
    label: name === 'a' ? 'crm' : 'erp',
    connection: name === 'a' ? 'crm' : 'erp',
    source: part,
    destination: part,
    key: 'id',
    cursor: 'updated_at',
    stampCursor: false,
    where: `test.yaml:${name}`,
  };
}

/** A sync definition: fields by name (a/b names default to the name), everything else overridable. */
export function syncDef(
  fields: readonly (string | FieldInput)[],
  over: Partial<Omit<SyncDefinition, 'fields'>> = {},
): SyncDefinition {
  return {
    name: 'customers',
    a: side('a'),
    b: side('b'),
    fields: fields.map((f, i) => {
      const input: FieldInput = typeof f === 'string' ? { name: f } : f;
      return { a: input.name, b: input.name, direction: 'both', where: `test.yaml:${10 + i}:7`, ...input };
    }),
    conflicts: { policy: 'manual', skewMs: 60_000 },
    deletes: { policy: 'ignore' },
    batchSize: 500,
    maxAttempts: 5,
    where: 'test.yaml:3:3',
    ...over,
  };
}

export function compiled(
  fields: readonly (string | FieldInput)[],
  over: Partial<Omit<SyncDefinition, 'fields'>> = {},
): CompiledSync {
  return compileSync(syncDef(fields, over));
}

let seq = 0;

/** A staged change of `side` with `values` (extracted, hashed and match-keyed as staging does). */
export function staged(
  sync: CompiledSync,
  s: Side,
  values: JsonObject,
  opts: { rid?: string; changedAt?: Json; deleted?: boolean } = {},
): StagedChange {
  const mapped = sync.extract(s, values);
  seq += 1;
  return {
    sync: sync.def.name,
    side: s,
    rid: opts.rid ?? `${s}${seq}`,
    matchKey: sync.matchKey(s, mapped),
    hash: sync.hash(s, mapped),
    values: mapped,
    changedAt: opts.changedAt ?? null,
    deleted: opts.deleted ?? false,
    seq,
    attempts: 0,
    error: null,
    parked: false,
  };
}

/** A linked pair whose bases are `baseA` / `baseB` (hashes as the planner computes them). */
export function linkOf(sync: CompiledSync, baseA: JsonObject, baseB: JsonObject, id = 1): LinkRow {
  const a = sync.extract('a', baseA);
  const b = sync.extract('b', baseB);
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    id,
    sync: sync.def.name,
    aId: `a-${id}`,
    bId: `b-${id}`,
    status: 'linked',
    aHash: sync.hash('a', a),
    bHash: sync.hash('b', b),
    baseA: a,
    baseB: b,
    aChangedAt: null,
    bChangedAt: null,
    intent: null,
    deletedOn: null,
    error: null,
    failures: 0,
    syncedAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/** A field conflict of link 1, open, or resolved with `resolution`. */
export function conflictOf(
  field: string,
  values: { base?: Json; a: Json; b: Json },
  resolution?: ConflictResolution,
  id = 7,
): ConflictRow {
  const at = new Date('2026-01-01T00:00:00Z');
  return {
    id,
    sync: 'customers',
    kind: 'field',
    linkId: 1,
    field,
    aId: 'a-1',
    bId: 'b-1',
    base: values.base ?? null,
    aValue: values.a,
    bValue: values.b,
    aChangedAt: null,
    bChangedAt: null,
    candidates: null,
    status: resolution === undefined ? 'open' : 'resolved',
    resolution: resolution ?? null,
    note: null,
    runId: null,
    createdAt: at,
    updatedAt: at,
  };
}
