import type { SyncDefinition } from '../config/definition.js';
import type { Json, JsonObject } from '../sdk/index.js';
import { maskPii, maskValue } from '../security/index.js';
import type { ConflictRow, LinkRow, SyncSide } from '../store/sync-store.js';

/**
 * How a sync's values are masked wherever they are shown (links, conflicts, candidates): by the
 * sync's `pii:` paths. A path names a sync field (`email`, masked on each side under that side's name
 * for it) or a side's own field name; with the definition unknown, every value is masked.
 */
export interface SyncMask {
  /** The pii paths in a side's own field names ('all': every value). */
  readonly paths: Record<SyncSide, readonly string[] | 'all'>;
  /** A side's values (a base, a staged record) masked. */
  values(side: SyncSide, values: JsonObject): JsonObject;
  /** One sync field's value masked when the field is personal data. */
  field(field: string | null, value: Json): Json;
  link(link: LinkRow): LinkRow;
  conflict(conflict: ConflictRow): ConflictRow;
}

/** The pii paths of one side in its own field names. */
function sidePaths(def: SyncDefinition, side: SyncSide): string[] {
  const out = new Set<string>();
  for (const path of def.pii ?? []) {
    out.add(path);
    const [head, ...rest] = path.split('.');
    const field = def.fields.find((f) => f.name === head);
    if (field) out.add([field[side], ...rest].join('.'));
  }
  return [...out];
}

export function syncMask(def: SyncDefinition | undefined, unmask = false): SyncMask {
  const paths: Record<SyncSide, readonly string[] | 'all'> = unmask
    ? { a: [], b: [] }
    : def
      ? { a: sidePaths(def, 'a'), b: sidePaths(def, 'b') }
      : { a: 'all', b: 'all' };
  const values = (side: SyncSide, v: JsonObject): JsonObject => {
    const p = paths[side];
    if (p === 'all') return maskValue(v) as JsonObject;
    return p.length === 0 ? v : maskPii(v, p);
  };
  /** A sync field is personal data when `pii` names it, or its name on either side. */
  const piiField = (name: string | null): boolean => {
    if (unmask) return false;
    if (!def) return true;
    const f = def.fields.find((x) => x.name === name);
    const names = new Set([name, f?.a, f?.b].filter((n): n is string => typeof n === 'string'));
    return (def.pii ?? []).some((p) => names.has(p.split('.')[0] ?? p));
  };
  const field = (name: string | null, value: Json): Json => (piiField(name) ? maskValue(value) : value);
  const candidates = (c: Json): Json => {
    if (!Array.isArray(c)) return c;
    return c.map((entry) => {
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) return entry;
      const side = entry.side === 'b' ? 'b' : 'a';
      const v = entry.values;
      return v !== null && typeof v === 'object' && !Array.isArray(v) ? { ...entry, values: values(side, v) } : entry;
    });
  };
  return {
    paths,
    values,
    field,
    link: (l) => ({ ...l, baseA: values('a', l.baseA), baseB: values('b', l.baseB) }),
    conflict: (c) => ({
      ...c,
      base: field(c.field, c.base),
      aValue: field(c.field, c.aValue),
      bValue: field(c.field, c.bValue),
      candidates: candidates(c.candidates),
      ...(c.resolution?.value === undefined
        ? {}
        : { resolution: { ...c.resolution, value: field(c.field, c.resolution.value) } }),
    }),
  };
}
