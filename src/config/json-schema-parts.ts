import { z } from 'zod';

/** The pieces the flow file's JSON Schema is built from (project-json-schema.ts, sync-json-schema.ts). */
export type JsonSchema = Record<string, unknown>;

export const REF_PREFIX = '#/$defs/';

/** Rewrites `#/$defs/x` → `#/$defs/<prefix>.x` and `#` → `#/$defs/<prefix>` inside a component schema. */
function rewriteRefs(node: unknown, prefix: string): unknown {
  if (Array.isArray(node)) return node.map((n) => rewriteRefs(n, prefix));
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') {
      if (value === '#') out[key] = `${REF_PREFIX}${prefix}`;
      else if (value.startsWith(REF_PREFIX)) out[key] = `${REF_PREFIX}${prefix}.${value.slice(REF_PREFIX.length)}`;
      else out[key] = value;
    } else {
      out[key] = rewriteRefs(value, prefix);
    }
  }
  return out;
}

/**
 * Flow files reject keys a component does not declare (also for `z.object`, which zod would
 * strip), so object schemas get `additionalProperties: false` — except inside `allOf` (an
 * intersection), where each part sees only its own keys.
 */
function closeObjects(node: unknown, inAllOf = false): unknown {
  if (Array.isArray(node)) return node.map((n) => closeObjects(n, inAllOf));
  if (typeof node !== 'object' || node === null) return node;
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) out[key] = closeObjects(value, key === 'allOf');
  const open = !('additionalProperties' in out) && !('patternProperties' in out) && !('unevaluatedProperties' in out);
  if (!inAllOf && out.type === 'object' && typeof out.properties === 'object' && open) out.additionalProperties = false;
  return out;
}

/**
 * A component's zod schema as JSON Schema (the input form: defaults are optional), embedded
 * under `$defs[name]`; its own `$defs` are hoisted next to it.
 */
export function component(schema: z.ZodType, name: string, description: string, defs: JsonSchema): JsonSchema {
  let json: JsonSchema;
  try {
    json = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    json = {};
  }
  const { $schema: _ignored, $defs: ownDefs, ...rest } = closeObjects(rewriteRefs(json, name)) as JsonSchema;
  if (typeof ownDefs === 'object' && ownDefs !== null) {
    for (const [key, value] of Object.entries(ownDefs)) defs[`${name}.${key}`] = value;
  }
  return { description, ...rest };
}

/** Adds wrapper properties (`type`, `connection`, …) to a component's object schema. */
export function withWrapper(config: JsonSchema, properties: JsonSchema, required: readonly string[]): JsonSchema {
  const isObject = config.type === 'object' && typeof config.properties === 'object' && !('anyOf' in config);
  if (isObject) {
    return {
      ...config,
      properties: { ...properties, ...(config.properties as JsonSchema) },
      required: [...required, ...((config.required as string[] | undefined) ?? [])],
      additionalProperties: config.additionalProperties ?? false,
    };
  }
  return { allOf: [{ type: 'object', properties, required: [...required] }, config] };
}

export function anyOf(schemas: readonly JsonSchema[]): JsonSchema {
  return schemas.length === 0 ? { not: {} } : { anyOf: schemas };
}

/** A step's settings; a step whose settings all have defaults may be written with none (`- dedupe:`). */
export function stepConfig(schema: z.ZodType, name: string, description: string, defs: JsonSchema): JsonSchema {
  const config = component(schema, name, description, defs);
  return schema.safeParse({}).success ? { anyOf: [config, { type: 'null' }], description } : config;
}

/** The input JSON Schema of a zod schema of the flow file's own structure (no `$schema`). */
export function jsonOf(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return closeObjects(json) as JsonSchema;
}

/** The `properties` of an object schema, less the keys named (they are given by the caller). */
export function propertiesOf(schema: z.ZodType, without: readonly string[] = []): JsonSchema {
  const properties = { ...((jsonOf(schema).properties as JsonSchema | undefined) ?? {}) };
  for (const key of without) delete properties[key];
  return properties;
}
