import type { z } from 'zod';
import type { Json, JsonObject } from '../sdk/index.js';
import type { CatalogIndex } from './catalog.js';

/**
 * A sync field's `toA:` / `toB:` is a map-step field spec. The config module knows the map step only
 * through the catalog: its config schema is a map of field specs (a catchall or a record), whose
 * value schema checks one spec.
 */
export function mapFieldSchema(catalog: CatalogIndex): z.ZodType | undefined {
  const map = catalog.steps.get('map');
  if (map === undefined) return undefined;
  const def = (map.component.config as unknown as z.core.$ZodTypes)._zod.def;
  if (def.type === 'object' && def.catchall !== undefined) return def.catchall as unknown as z.ZodType;
  if (def.type === 'record') return def.valueType as unknown as z.ZodType;
  return undefined;
}

/** The spec as an object: a string is `{ from: <path> }`. */
export function specObject(spec: string | JsonObject): JsonObject {
  return typeof spec === 'string' ? { from: spec } : spec;
}

/** Keys that change a value (anything but reading the field itself, a default and onMissing). */
const CHANGING = ['transform', 'template', 'compute', 'value', 'values'] as const;

/** Whether a spec gives the other side something else than the field's own value (so the reverse needs a spec too). */
export function changesValue(spec: JsonObject, fromName: string): boolean {
  if (CHANGING.some((k) => spec[k] !== undefined)) return true;
  return spec.from !== undefined && spec.from !== fromName;
}

function keyOf(value: Json): string | undefined {
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : undefined;
}

export type Inversion = { readonly ok: true; readonly spec: JsonObject } | { readonly ok: false; readonly why: string };

/**
 * The reverse of a spec that is a one-to-one value map only (`values: { active: A }` → `{ A: active }`),
 * reading the other side's field (`from` left to its default); its `default` is dropped (several inputs would map to it). Anything
 * else cannot be undone and says why.
 */
export function invertValues(spec: JsonObject, fromName: string): Inversion {
  const other = CHANGING.filter((k) => k !== 'values' && spec[k] !== undefined);
  if (other.length > 0) return { ok: false, why: `${other.join(' and ')} cannot be undone` };
  if (spec.from !== undefined && spec.from !== fromName)
    return { ok: false, why: `it reads another field (${String(spec.from)})` };
  const values = spec.values;
  if (typeof values !== 'object' || values === null || Array.isArray(values))
    return { ok: false, why: 'it has no value map' };
  const inverted: JsonObject = {};
  for (const [input, output] of Object.entries(values)) {
    const key = keyOf(output as Json);
    if (key === undefined)
      return { ok: false, why: `the value map gives ${JSON.stringify(output)}, which cannot be mapped back` };
    if (key in inverted)
      return {
        ok: false,
        why: `the value map gives ${JSON.stringify(key)} for both ${JSON.stringify(inverted[key])} and ${JSON.stringify(input)}`,
      };
    inverted[key] = input;
  }
  return {
    ok: true,
    spec: {
      values: inverted,
      ...(spec.onMissing === undefined ? {} : { onMissing: spec.onMissing }),
    },
  };
}
