import { type Catalog, indexCatalog } from './catalog.js';
import {
  anyOf,
  component,
  type JsonSchema,
  jsonOf,
  propertiesOf,
  REF_PREFIX,
  stepConfig,
  withWrapper,
} from './json-schema-parts.js';
import {
  connectionWrapper,
  destinationWrapper,
  flowSchema,
  projectSchema,
  sourceWrapper,
  stageSourceSchema,
} from './structure.js';
import { addSyncDefs } from './sync-json-schema.js';

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
  const sync = addSyncDefs(index, defs);
  const syncDef = defs.sync as { properties: JsonSchema };
  syncDef.properties = { ...syncDef.properties, ...notifyRef };
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'Syncline flow file',
    type: 'object',
    properties: {
      ...propertiesOf(projectSchema),
      ...notifyRef,
      connections: { type: 'object', additionalProperties: ref('connection') },
      flows: { type: 'object', additionalProperties: ref('flow') },
      syncs: {
        type: 'object',
        additionalProperties: sync,
        description: 'Bi-directional syncs, by name (docs/sync.md).',
      },
    },
    // a file runs flows, syncs or both
    anyOf: [
      { required: ['flows'], properties: { flows: { minProperties: 1 } } },
      { required: ['syncs'], properties: { syncs: { minProperties: 1 } } },
    ],
    patternProperties: { '^x-': { description: 'Shared fragments for YAML anchors; ignored.' } },
    additionalProperties: false,
    $defs: defs,
  };
}
