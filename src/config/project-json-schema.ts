import { z } from 'zod';
import { type Catalog, indexCatalog } from './catalog.js';
import {
  connectionWrapper,
  destinationWrapper,
  flowSchema,
  projectSchema,
  sourceWrapper,
  stageSourceSchema,
} from './structure.js';

type JsonSchema = Record<string, unknown>;

const REF_PREFIX = '#/$defs/';

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
function component(schema: z.ZodType, name: string, description: string, defs: JsonSchema): JsonSchema {
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
function withWrapper(config: JsonSchema, properties: JsonSchema, required: readonly string[]): JsonSchema {
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

function anyOf(schemas: readonly JsonSchema[]): JsonSchema {
  return schemas.length === 0 ? { not: {} } : { anyOf: schemas };
}

/** A step's settings; a step whose settings all have defaults may be written with none (`- dedupe:`). */
function stepConfig(schema: z.ZodType, name: string, description: string, defs: JsonSchema): JsonSchema {
  const config = component(schema, name, description, defs);
  return schema.safeParse({}).success ? { anyOf: [config, { type: 'null' }], description } : config;
}

/** The input JSON Schema of a zod schema of the flow file's own structure (no `$schema`). */
function jsonOf(schema: z.ZodType): JsonSchema {
  const { $schema: _drop, ...json } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonSchema;
  return closeObjects(json) as JsonSchema;
}

/** The `properties` of an object schema, less the keys named (they are given by the caller). */
function propertiesOf(schema: z.ZodType, without: readonly string[] = []): JsonSchema {
  const properties = { ...((jsonOf(schema).properties as JsonSchema | undefined) ?? {}) };
  for (const key of without) delete properties[key];
  return properties;
}

/**
 * JSON Schema (draft 2020-12) of a whole flow file, for editors: generated from the same zod
 * schemas the loader validates with — the file's structure (structure.ts), the connectors' and
 * steps' configs, and the host's `notify:` schema — so the two never disagree.
 */
export function projectJsonSchema(catalog: Catalog): object {
  const index = indexCatalog(catalog);
  const defs: JsonSchema = {};
  const ref = (name: string) => ({ $ref: `${REF_PREFIX}${name}` });

  const connectionProperties = propertiesOf(connectionWrapper, ['type']);
  const connections = [...index.connectors.values()].map((c) => {
    const name = `connection.${c.name}`;
    const config = component(c.connection, name, c.description, defs);
    defs[name] = withWrapper(config, { type: { const: c.name }, ...connectionProperties }, ['type']);
    return ref(name);
  });
  const { connection: sourceConnection, ...sourceProperties } = propertiesOf(sourceWrapper, ['type']);
  const sources = [...index.sources.entries()].map(([type, entry]) => {
    const name = `source.${type}`;
    const config = component(entry.component.config, name, entry.component.description, defs);
    defs[name] = withWrapper(config, { connection: sourceConnection, type: { const: type }, ...sourceProperties }, [
      'connection',
      'type',
    ]);
    return ref(name);
  });
  const { connection: destinationConnection, ...destinationProperties } = propertiesOf(destinationWrapper, ['type']);
  const destinations = [...index.destinations.entries()].map(([type, entry]) => {
    const name = `destination.${type}`;
    const config = component(entry.component.config, name, entry.component.description, defs);
    defs[name] = withWrapper(
      config,
      { connection: destinationConnection, type: { const: type }, ...destinationProperties },
      ['connection', 'type'],
    );
    return ref(name);
  });
  const steps = [...index.steps.entries()].map(([type, entry]) => {
    const name = `step.${type}`;
    defs[name] = {
      type: 'object',
      description: entry.component.description,
      properties: {
        name: { type: 'string', description: 'Unique within the flow; default: the step type.' },
        [type]: stepConfig(entry.component.config, `${name}.config`, entry.component.description, defs),
      },
      required: [type],
      additionalProperties: false,
    };
    return ref(name);
  });

  defs.connection = anyOf(connections);
  defs['source.flow'] = {
    ...jsonOf(stageSourceSchema),
    description: 'A pipeline stage: the records the named flow hands on with `next:`.',
  };
  defs.source = anyOf([...sources, ref('source.flow')]);
  defs.destination = anyOf(destinations);
  defs.step = anyOf(steps);
  const notify =
    index.notify === undefined ? undefined : component(index.notify, 'notify', 'Error notifications.', defs);
  if (notify !== undefined) defs.notify = notify;
  const notifyRef = notify === undefined ? {} : { notify: ref('notify') };
  defs.flow = {
    type: 'object',
    properties: {
      ...propertiesOf(flowSchema),
      ...notifyRef,
      source: ref('source'),
      steps: { type: 'array', items: ref('step') },
      destinations: { type: 'array', items: ref('destination'), minItems: 1 },
    },
    required: ['source'],
    // a flow writes somewhere, or hands its records on to the next flows
    anyOf: [{ required: ['destinations'] }, { required: ['next'] }],
    additionalProperties: false,
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Syncline flow file',
    type: 'object',
    properties: {
      ...propertiesOf(projectSchema),
      ...notifyRef,
      connections: { type: 'object', additionalProperties: ref('connection') },
      flows: { type: 'object', additionalProperties: ref('flow'), minProperties: 1 },
    },
    required: ['flows'],
    patternProperties: { '^x-': { description: 'Shared fragments for YAML anchors; ignored.' } },
    additionalProperties: false,
    $defs: defs,
  };
}
