import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineStep } from '../sdk/index.js';
import { fakeCatalog } from './fake-catalog.js';
import { projectJsonSchema } from './project-json-schema.js';

type Condition = { field?: string; any?: Condition[] };
const condition: z.ZodType<Condition> = z.lazy(() =>
  z.object({ field: z.string().optional(), any: z.array(condition).optional() }),
);
const recursiveStep = defineStep({
  type: 'when',
  description: 'Keeps records matching a condition tree',
  config: z.object({ if: condition }),
  create: () => ({ process: (records) => ({ records: [...records], failed: [] }) }),
});

type Schema = Record<string, unknown> & {
  $defs: Record<string, Record<string, unknown> & { properties?: Record<string, Record<string, unknown>> }>;
};

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (typeof node === 'object' && node !== null) {
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  }
  return out;
}

describe('projectJsonSchema', () => {
  const schema = projectJsonSchema({
    connectors: fakeCatalog.connectors,
    steps: [...fakeCatalog.steps, recursiveStep],
  }) as Schema;

  it("describes a flow's errorThreshold with its bounds", () => {
    const nullable = schema.$defs.flow?.properties?.errorThreshold as { anyOf: Record<string, unknown>[] };
    const threshold = nullable.anyOf.find((s) => s.type === 'object') as {
      properties: Record<string, Record<string, unknown>>;
      additionalProperties: boolean;
    };
    expect(threshold.additionalProperties).toBe(false);
    expect(threshold.properties.maxErrorRate).toMatchObject({ type: 'number', exclusiveMinimum: 0, maximum: 1 });
    expect(threshold.properties.maxErrors).toMatchObject({ type: 'integer', minimum: 1 });
    expect(threshold.properties.minRecords).toMatchObject({ type: 'integer', minimum: 1 });
  });

  it('is a draft 2020-12 schema of the whole file', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.anyOf).toContainEqual({ required: ['flows'], properties: { flows: { minProperties: 1 } } });
    expect(schema.additionalProperties).toBe(false);
    expect(schema.$defs.flow?.required).toEqual(['source']);
    expect(schema.$defs.flow?.anyOf).toEqual([{ required: ['destinations'] }, { required: ['next'] }]);
    // every key the loader's flow schema knows, not a hand-written subset
    expect(Object.keys(schema.$defs.flow?.properties ?? {})).toEqual(
      expect.arrayContaining(['retry', 'notify', 'next', 'pii', 'timeouts', 'autoRetry', 'errorThreshold']),
    );
  });

  it('offers connections as a union over connector types, with their config schema', () => {
    expect(schema.$defs.connection).toEqual({
      anyOf: [{ $ref: '#/$defs/connection.file' }, { $ref: '#/$defs/connection.sqlite' }],
    });
    const sqlite = schema.$defs['connection.sqlite'];
    expect(sqlite?.properties?.type).toEqual({ const: 'sqlite' });
    expect(sqlite?.properties?.timeoutMs).toMatchObject({ type: 'integer', default: 5000 });
    expect(sqlite?.required).toEqual(['type', 'path']);
    expect(sqlite?.additionalProperties).toBe(false);
  });

  it('describes sources and destinations by full type, with wrapper keys and batch', () => {
    const csv = schema.$defs['source.file.csv'];
    expect(csv?.description).toBe('A CSV file');
    expect(Object.keys(csv?.properties ?? {})).toEqual([
      'connection',
      'type',
      'delta',
      'once',
      'path',
      'delimiter',
      'header',
    ]);
    expect(csv?.properties?.type).toEqual({ const: 'file.csv' });
    const table = schema.$defs['destination.sqlite.table'];
    expect(table?.properties?.operation).toMatchObject({ enum: ['insert', 'update', 'upsert'], default: 'insert' });
    expect(table?.properties?.batch).toMatchObject({
      anyOf: [{ type: 'object', properties: { size: { default: 1000 } } }, { type: 'null' }],
    });
    expect(schema.$defs.destination?.anyOf).toHaveLength(2);
  });

  it('describes steps as one-key items, built-in and connector steps alike', () => {
    const step = schema.$defs.step?.anyOf as { $ref: string }[];
    expect(step.map((s) => s.$ref)).toEqual([
      '#/$defs/step.map',
      '#/$defs/step.filter',
      '#/$defs/step.dedupe',
      '#/$defs/step.when',
      '#/$defs/step.sqlite.lookup',
    ]);
    const filter = schema.$defs['step.filter'];
    expect(filter?.required).toEqual(['filter']);
    expect(filter?.properties?.filter).toMatchObject({
      properties: {
        all: { type: 'array', items: { required: ['field', 'op', 'value'], additionalProperties: false } },
      },
    });
  });

  it('hoists a component’s own $defs and every $ref resolves', () => {
    const all = refs(schema);
    expect(all).toContain('#/$defs/step.when.config.__schema0');
    for (const ref of all) {
      expect(ref.startsWith('#/$defs/')).toBe(true);
      expect(schema.$defs[ref.slice('#/$defs/'.length)], ref).toBeDefined();
    }
  });

  it('is plain JSON', () => {
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });
});
