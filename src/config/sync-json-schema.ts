import type { CatalogIndex } from './catalog.js';
import { anyOf, component, type JsonSchema, REF_PREFIX, withWrapper } from './json-schema-parts.js';
import { mapFieldSchema } from './sync-field-spec.js';
import { syncFieldObjectSchema, syncSchema, syncSideSchema } from './sync-structure.js';

const ref = (name: string) => ({ $ref: `${REF_PREFIX}${name}` });

/** The keys a sync sets on a side's destination for each write: not offered to the user. */
const SYNC_SET = ['operation', 'key'];

function without(schema: JsonSchema, keys: readonly string[]): JsonSchema {
  const properties = { ...((schema.properties as JsonSchema | undefined) ?? {}) };
  for (const key of keys) delete properties[key];
  const required = (schema.required as string[] | undefined)?.filter((k) => !keys.includes(k));
  return { ...schema, properties, ...(required ? { required } : {}) };
}

/** A property of an object schema, with its description kept. */
function property(schema: JsonSchema, key: string): JsonSchema {
  return ((schema.properties as JsonSchema | undefined)?.[key] as JsonSchema | undefined) ?? {};
}

/**
 * The `$defs` of `syncs:` (added to `defs`): a side's written-out source (any source type, no
 * connection: the side's) and destination (the types with keyed writes, without operation and key),
 * the field specs `toA` / `toB` (the map step's field schema), and the sync itself.
 */
export function addSyncDefs(index: CatalogIndex, defs: JsonSchema): JsonSchema {
  const sources = [...index.sources.entries()].map(([type, entry]) => {
    const name = `sync.source.${type}`;
    const config = component(entry.component.config, name, entry.component.description, defs);
    defs[name] = withWrapper(config, { type: { const: type } }, ['type']);
    return ref(name);
  });
  const destinations = [...index.destinations.entries()]
    .filter(([, entry]) => entry.component.keyedWrites !== undefined)
    .map(([type, entry]) => {
      const name = `sync.destination.${type}`;
      const config = without(component(entry.component.config, name, entry.component.description, defs), SYNC_SET);
      defs[name] = withWrapper(config, { type: { const: type } }, ['type']);
      return ref(name);
    });
  const spec = mapFieldSchema(index);
  const side = component(syncSideSchema, 'sync.side', 'One side of a sync.', defs);
  defs['sync.side'] = {
    ...side,
    properties: {
      ...(side.properties as JsonSchema),
      source: { ...anyOf(sources), description: property(side, 'source').description },
      destination: { ...anyOf(destinations), description: property(side, 'destination').description },
    },
  };
  const field = component(syncFieldObjectSchema, 'sync.field', 'One corresponding field.', defs);
  if (spec !== undefined) {
    defs['sync.fieldSpec'] = component(spec, 'sync.fieldSpec', 'A map field spec.', defs);
    const specRef = (key: string) => ({ ...ref('sync.fieldSpec'), description: property(field, key).description });
    field.properties = { ...(field.properties as JsonSchema), toA: specRef('toA'), toB: specRef('toB') };
  }
  const sync = component(syncSchema, 'sync', 'A bi-directional sync (docs/sync.md).', defs);
  const fieldValue = property(sync, 'fields').additionalProperties as JsonSchema;
  const forms = (fieldValue.anyOf as JsonSchema[]).map((f) => (f.type === 'object' ? field : f));
  defs.sync = {
    ...sync,
    properties: {
      ...(sync.properties as JsonSchema),
      a: { ...ref('sync.side'), description: property(sync, 'a').description },
      b: { ...ref('sync.side'), description: property(sync, 'b').description },
      fields: {
        ...property(sync, 'fields'),
        additionalProperties: { ...fieldValue, anyOf: forms },
      },
    },
  };
  return ref('sync');
}
