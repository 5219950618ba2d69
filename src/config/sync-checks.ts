import type { SyncDefinition, SyncFieldDefinition, SyncSideDefinition, SyncSideName } from './definition.js';
import type { ParseContext } from './parse-context.js';
import { formatPath, type PathKey } from './yaml-locator.js';

const SIDES = ['a', 'b'] as const;

function isMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function writesTo(field: SyncFieldDefinition, side: SyncSideName): boolean {
  return field.direction === 'both' || field.direction === (side === 'a' ? 'b-to-a' : 'a-to-b');
}

/** Where a field's name on a side is written (`fields.email.b`), else the field's key. */
function sideNameAt(
  rawFields: unknown,
  field: string,
  side: SyncSideName,
  syncPath: readonly PathKey[],
  ctx: ParseContext,
) {
  const raw = isMap(rawFields) ? rawFields[field] : undefined;
  const path = [...syncPath, 'fields', field];
  return isMap(raw) && raw[side] !== undefined ? ctx.locator.at([...path, side]) : ctx.locator.keyAt(path);
}

export interface SyncParts {
  readonly name: string;
  readonly path: readonly PathKey[];
  readonly raw: Record<string, unknown>;
  readonly sides: Readonly<Record<SyncSideName, SyncSideDefinition | undefined>>;
  readonly fields: readonly SyncFieldDefinition[];
  readonly match: SyncDefinition['match'];
  readonly deletes: SyncDefinition['deletes'];
}

/** A side field written by two sync fields; a side's key synced both ways (a key is usually system-generated). */
function checkFieldNames(p: SyncParts, ctx: ParseContext): void {
  for (const side of SIDES) {
    const label = p.sides[side]?.label ?? side;
    const writers = new Map<string, string>();
    for (const field of p.fields) {
      const name = field[side];
      if (!writesTo(field, side)) continue;
      const first = writers.get(name);
      if (first !== undefined) {
        ctx.problems.add(
          'CONFIG_SYNC_FIELD',
          sideNameAt(p.raw.fields, field.name, side, p.path, ctx),
          `${formatPath([...p.path, 'fields', field.name])}: field ${name} of side ${side} (${label}) is already written by fields.${first}`,
          `Map each field of a side once: rename it with \`${side}: <field>\`, or make one of them one-way towards the other side.`,
        );
      } else writers.set(name, field.name);
    }
    const key = p.sides[side]?.key;
    for (const field of p.fields) {
      if (key === undefined || field[side] !== key || field.direction !== 'both') continue;
      ctx.problems.add(
        'CONFIG_SYNC_FIELD',
        sideNameAt(p.raw.fields, field.name, side, p.path, ctx),
        `${formatPath([...p.path, 'fields', field.name])}: ${key} is side ${side}'s key (${label}); a key is not synced both ways`,
        `Make the field one-way: \`direction: ${side}-to-${side === 'a' ? 'b' : 'a'}\` copies the key into a field of the other side, \`direction: ${side === 'a' ? 'b' : 'a'}-to-${side}\` writes it on creates (sides whose keys are not generated).`,
      );
    }
  }
}

/** Match fields are sync fields that go both ways. */
function checkMatch(p: SyncParts, ctx: ParseContext): void {
  if (p.match === undefined) return;
  const byName = new Map(p.fields.map((f) => [f.name, f]));
  const listPath = Array.isArray(p.raw.match) ? [...p.path, 'match'] : [...p.path, 'match', 'fields'];
  for (const [i, name] of p.match.fields.entries()) {
    const field = byName.get(name);
    if (field?.direction === 'both') continue;
    const at = [...listPath, i];
    ctx.problems.add(
      'CONFIG_SYNC_FIELD',
      ctx.locator.at(at),
      field === undefined
        ? `${formatPath(at)}: ${name} is not a field of the sync`
        : `${formatPath(at)}: field ${name} goes ${field.direction}; a match field must go both ways`,
      field === undefined
        ? `Match on fields declared under \`fields:\` (${[...byName.keys()].join(', ') || 'none'}); add ${name} there first.`
        : `Set \`direction: both\` on ${name}, or match on another field.`,
    );
  }
}

/** The soft-delete and flag fields of a side are not synced fields of that side. */
function checkDeleteFields(p: SyncParts, ctx: ParseContext): void {
  for (const side of SIDES) {
    const synced = new Map(p.fields.map((f) => [f[side], f.name]));
    const deleted = p.sides[side]?.deleted?.field;
    const rawDeleted = isMap(p.raw[side]) ? (p.raw[side] as Record<string, unknown>).deleted : undefined;
    const flag = p.deletes.flag?.[side]?.field;
    const checks: [string | undefined, PathKey[], string][] = [
      [
        deleted,
        isMap(rawDeleted) ? [...p.path, side, 'deleted', 'field'] : [...p.path, side, 'deleted'],
        'soft-delete',
      ],
      [flag, [...p.path, 'deletes', 'flag', side, 'field'], 'delete flag'],
    ];
    for (const [field, at, what] of checks) {
      const name = field === undefined ? undefined : synced.get(field);
      if (name === undefined) continue;
      ctx.problems.add(
        'CONFIG_SYNC_FIELD',
        ctx.locator.at(at),
        `${formatPath(at)}: ${field} is side ${side}'s ${what} field and also synced as fields.${name}`,
        'A delete marker is handled by the deletes policy, not copied: remove it from `fields:`.',
      );
    }
  }
}

/** Each side has a cursor (its changes can be found) unless a reconcile pass compares full reads; stamping needs one. */
function checkCursors(p: SyncParts, ctx: ParseContext): void {
  for (const side of SIDES) {
    const s = p.sides[side];
    const stamped = s?.stampCursor === true ? s.cursor : undefined;
    const writer = stamped === undefined ? undefined : p.fields.find((f) => f[side] === stamped && writesTo(f, side));
    if (s !== undefined && writer !== undefined)
      ctx.problems.add(
        'CONFIG_SYNC_FIELD',
        sideNameAt(p.raw.fields, writer.name, side, p.path, ctx),
        `${formatPath([...p.path, 'fields', writer.name])}: ${stamped} is side ${side}'s cursor, stamped by the sync on every write (stampCursor), and also written by this field`,
        `Make the field one-way towards the other side (\`direction: ${side}-to-${side === 'a' ? 'b' : 'a'}\`), or remove \`stampCursor\`.`,
      );
    if (s === undefined || s.cursor !== undefined) continue;
    if (p.deletes.reconcile === undefined || p.deletes.reconcile === false)
      ctx.problems.add(
        'CONFIG_SYNC_NO_CURSOR',
        ctx.locator.keyAt([...p.path, side]),
        `${formatPath([...p.path, side])}: side ${side} (${s.label}) has no cursor, so its changes cannot be found`,
        "Set the side's `cursor:` (a field that grows on every change, e.g. updated_at), or `deletes: { reconcile: true }` to compare full reads on every run.",
      );
    if (s.stampCursor)
      ctx.problems.add(
        'CONFIG_INVALID',
        ctx.locator.at([...p.path, side, 'stampCursor']),
        `${formatPath([...p.path, side, 'stampCursor'])}: side ${side} has no cursor to stamp`,
        'Set `cursor:` on the side, or remove `stampCursor`.',
      );
  }
}

/** `propagate` deletes records on both sides: each side's destination must offer the delete write. */
function checkPropagate(p: SyncParts, ctx: ParseContext): void {
  if (p.deletes.policy !== 'propagate') return;
  for (const side of SIDES) {
    const s = p.sides[side];
    const keyed = s && ctx.catalog.destinations.get(s.destination.type)?.component.keyedWrites;
    if (s === undefined || keyed === undefined || keyed.operations.includes('delete')) continue;
    const at = [...p.path, 'deletes', ...(isMap(p.raw.deletes) ? ['policy'] : [])];
    ctx.problems.add(
      'CONFIG_INVALID',
      ctx.locator.at(at),
      `${formatPath(at)}: propagate deletes records on side ${side} (${s.label}), but ${s.destination.type} cannot delete by key`,
      'Use policy flag (a field marks the record) or review, or a destination type that can delete.',
    );
  }
}

/** The checks across a sync's parts: field names per side, match, delete markers, cursors. */
export function checkSyncParts(p: SyncParts, ctx: ParseContext): void {
  checkFieldNames(p, ctx);
  checkMatch(p, ctx);
  checkDeleteFields(p, ctx);
  checkCursors(p, ctx);
  checkPropagate(p, ctx);
}
