import { z } from 'zod';
import { type Catalog, indexCatalog } from './catalog.js';
import {
  batchSchema,
  DEFAULT_BATCH_SIZE,
  deltaSchema,
  errorThresholdSchema,
  onceSchema,
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

/**
 * JSON Schema (draft 2020-12) of a whole flow file, for editors: connections as a union over the
 * connector types, sources/destinations/steps by type, each built from its component's zod schema.
 */
export function projectJsonSchema(catalog: Catalog): object {
  const index = indexCatalog(catalog);
  const defs: JsonSchema = {};
  const ref = (name: string) => ({ $ref: `${REF_PREFIX}${name}` });

  const connections = [...index.connectors.values()].map((c) => {
    const name = `connection.${c.name}`;
    const config = component(c.connection, name, c.description, defs);
    defs[name] = withWrapper(config, { type: { const: c.name } }, ['type']);
    return ref(name);
  });
  const jsonOf = (schema: z.ZodType, description: string): JsonSchema => {
    const { $schema: _drop, ...json } = z.toJSONSchema(schema, { target: 'draft-2020-12', io: 'input' }) as JsonSchema;
    return { ...json, description };
  };
  const delta = jsonOf(
    deltaSchema,
    'Delta sync: read only what changed since the watermark (docs/flow-file.md#delta-sync).',
  );
  const once = jsonOf(onceSchema, 'Export mode once: read records not exported yet, then set the flag field.');
  const sources = [...index.sources.entries()].map(([type, entry]) => {
    const name = `source.${type}`;
    const config = component(entry.component.config, name, entry.component.description, defs);
    const wrapper = { connection: { type: 'string' }, type: { const: type }, delta, once };
    defs[name] = withWrapper(config, wrapper, ['connection', 'type']);
    return ref(name);
  });
  const { $schema: _batchSchema, ...batchJson } = z.toJSONSchema(batchSchema, {
    target: 'draft-2020-12',
    io: 'input',
  }) as JsonSchema;
  const batch = { ...batchJson, description: `Records per write call (default ${DEFAULT_BATCH_SIZE}).` };
  const destinations = [...index.destinations.entries()].map(([type, entry]) => {
    const name = `destination.${type}`;
    const config = component(entry.component.config, name, entry.component.description, defs);
    const wrapper = {
      connection: { type: 'string' },
      type: { const: type },
      name: { type: 'string', description: 'Unique within the flow; default: the connection name.' },
      batch,
      onOutage: {
        enum: ['isolate', 'pause'],
        description:
          'When the destination is down: keep its records as error records and go on (isolate; default with several destinations) or pause the run (pause; default with one).',
      },
    };
    defs[name] = withWrapper(config, wrapper, ['connection', 'type']);
    return ref(name);
  });
  const steps = [...index.steps.entries()].map(([type, entry]) => {
    const name = `step.${type}`;
    defs[name] = {
      type: 'object',
      description: entry.component.description,
      properties: {
        name: { type: 'string', description: 'Unique within the flow; default: the step type.' },
        [type]: component(entry.component.config, `${name}.config`, entry.component.description, defs),
      },
      required: [type],
      additionalProperties: false,
    };
    return ref(name);
  });

  defs.connection = anyOf(connections);
  defs['source.flow'] = jsonOf(
    stageSourceSchema,
    'A pipeline stage: the records the named flow hands on with `next:`.',
  );
  defs.source = anyOf([...sources, ref('source.flow')]);
  defs.destination = anyOf(destinations);
  defs.step = anyOf(steps);
  defs.flow = {
    type: 'object',
    properties: {
      description: { type: 'string' },
      schedule: { type: 'string', description: 'Cron expression, e.g. "*/15 * * * *".' },
      timezone: { type: 'string', description: 'IANA time zone of the schedule, e.g. Europe/Berlin.' },
      errorThreshold: jsonOf(
        errorThresholdSchema,
        'Stop a run whose records nearly all fail, its checkpoint kept (default: more than 90% of at least 1000 records read).',
      ),
      source: ref('source'),
      steps: { type: 'array', items: ref('step') },
      destinations: { type: 'array', items: ref('destination'), minItems: 1 },
    },
    required: ['source', 'destinations'],
    additionalProperties: false,
  };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Syncline flow file',
    type: 'object',
    properties: {
      connections: { type: 'object', additionalProperties: ref('connection') },
      flows: { type: 'object', additionalProperties: ref('flow'), minProperties: 1 },
    },
    required: ['flows'],
    patternProperties: { '^x-': { description: 'Shared fragments for YAML anchors; ignored.' } },
    additionalProperties: false,
    $defs: defs,
  };
}
