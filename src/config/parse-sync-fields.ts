import type { JsonObject } from '../sdk/index.js';
import type { SyncDirection, SyncFieldDefinition, SyncSideName } from './definition.js';
import { parseConfig } from './parse-config.js';
import type { ParseContext } from './parse-context.js';
import { fieldLocations } from './parse-steps.js';
import { changesValue, invertValues, mapFieldSchema, specObject } from './sync-field-spec.js';
import { SYNC_IDENT_MAX, syncFieldSchema } from './sync-structure.js';
import { formatPath, type PathKey } from './yaml-locator.js';

const other = (side: SyncSideName): SyncSideName => (side === 'a' ? 'b' : 'a');
const specKey = (to: SyncSideName) => (to === 'a' ? 'toA' : 'toB');
const writes = (direction: SyncDirection, to: SyncSideName) =>
  direction === 'both' || direction === `${other(to)}-to-${to}`;

interface FieldInput {
  readonly a?: string | undefined;
  readonly b?: string | undefined;
  readonly direction: SyncDirection;
  readonly toA?: unknown;
  readonly toB?: unknown;
  readonly conflict?: SyncFieldDefinition['conflict'];
}

function normalise(value: unknown): FieldInput | undefined {
  const parsed = syncFieldSchema.safeParse(value);
  if (!parsed.success) return undefined;
  if (parsed.data === null) return { direction: 'both' };
  return typeof parsed.data === 'string' ? { direction: parsed.data } : parsed.data;
}

/** `toA` / `toB`: allowed by the direction, and a valid map field spec. */
function parseSpec(
  f: FieldInput,
  to: SyncSideName,
  path: readonly PathKey[],
  ctx: ParseContext,
): JsonObject | undefined {
  const key = specKey(to);
  const raw = f[key];
  if (raw === undefined) return undefined;
  const at = [...path, key];
  if (!writes(f.direction, to)) {
    ctx.problems.add(
      'CONFIG_SYNC_FIELD',
      ctx.locator.keyAt(at),
      `${formatPath(at)}: the field goes ${f.direction}, so nothing is written to side ${to}`,
      `Remove \`${key}:\`, or set \`direction: both\`.`,
    );
    return undefined;
  }
  const schema = mapFieldSchema(ctx.catalog);
  if (schema !== undefined && !parseConfig(schema, raw, at, ctx).ok) return undefined;
  return specObject(raw as string | JsonObject);
}

/** Both ways with a spec one way only: a one-to-one value map is inverted; anything else needs the other spec. */
function inverse(
  name: string,
  f: FieldInput,
  names: Readonly<Record<SyncSideName, string>>,
  specs: Partial<Record<SyncSideName, JsonObject>>,
  path: readonly PathKey[],
  ctx: ParseContext,
): Partial<Record<SyncSideName, JsonObject>> {
  if (f.direction !== 'both') return specs;
  for (const to of ['a', 'b'] as const) {
    const spec = specs[to];
    const from = other(to);
    if (spec === undefined || specs[from] !== undefined || !changesValue(spec, names[from])) continue;
    const inverted = invertValues(spec, names[from]);
    if (inverted.ok) return { ...specs, [from]: inverted.spec };
    const at = [...path, specKey(to)];
    ctx.problems.add(
      'CONFIG_SYNC_NOT_INVERTIBLE',
      ctx.locator.keyAt(at),
      `${formatPath(at)}: field ${name} syncs both ways, but its ${specKey(to)} cannot be undone for side ${from}: ${inverted.why}`,
      `Add \`${specKey(from)}:\` (how side ${from}'s value is computed from side ${to}'s), or set \`direction: ${from}-to-${to}\`.`,
    );
  }
  return specs;
}

/**
 * `fields:` of a sync: each a corresponding field with its two names, direction, per-direction
 * specs (a one-to-one value map inverted for the other direction) and conflict policy.
 */
export function parseSyncFields(
  value: unknown,
  syncPath: readonly PathKey[],
  ctx: ParseContext,
): SyncFieldDefinition[] {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return [];
  if (Object.keys(value).length === 0) {
    const at = [...syncPath, 'fields'];
    ctx.problems.add(
      'CONFIG_SYNC_FIELD',
      ctx.locator.at(at),
      `${formatPath(at)}: the sync has no field`,
      'Name the corresponding fields, e.g. `email: { b: email_address }` (`{}`: the same name on both sides).',
    );
    return [];
  }
  const out: SyncFieldDefinition[] = [];
  for (const [name, raw] of Object.entries(value)) {
    const path = [...syncPath, 'fields', name];
    if (name.length > SYNC_IDENT_MAX) {
      ctx.problems.add(
        'CONFIG_SYNC_FIELD',
        ctx.locator.keyAt(path),
        `${formatPath(syncPath)}.fields: a field name of ${name.length} characters (at most ${SYNC_IDENT_MAX}): ${JSON.stringify(name.slice(0, 40))}…`,
        "Name the sync field shortly, and give each side's field name with `a:` / `b:`.",
      );
      continue;
    }
    const f = normalise(raw);
    if (f === undefined) continue;
    const names = { a: f.a ?? name, b: f.b ?? name };
    const toB = parseSpec(f, 'b', path, ctx);
    const toA = parseSpec(f, 'a', path, ctx);
    const specs = inverse(name, f, names, { ...(toA ? { a: toA } : {}), ...(toB ? { b: toB } : {}) }, path, ctx);
    out.push({
      name,
      a: names.a,
      b: names.b,
      direction: f.direction,
      ...(specs.b === undefined ? {} : { toB: specs.b }),
      ...(specs.a === undefined ? {} : { toA: specs.a }),
      ...(f.conflict === undefined ? {} : { conflict: f.conflict }),
      where: ctx.locator.keyAt(path).where,
      fieldWhere: fieldLocations(raw, path, ctx),
    });
  }
  return out;
}
