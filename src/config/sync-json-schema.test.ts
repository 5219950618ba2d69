import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { USER_SYNC } from '../../test/helpers/sync-config.js';
import { syncTestCatalog } from '../../test/helpers/sync-test-catalog.js';
import { projectJsonSchema } from './project-json-schema.js';

type Node = Record<string, unknown> & { properties?: Record<string, Node>; anyOf?: Node[]; $ref?: string };
type Schema = Node & { $defs: Record<string, Node> };

function refs(node: unknown, out: string[] = []): string[] {
  if (Array.isArray(node)) for (const n of node) refs(n, out);
  else if (typeof node === 'object' && node !== null)
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') out.push(v);
      else refs(v, out);
    }
  return out;
}

/** Every property schema under a node that has no description (an undocumented option). */
function undocumented(node: Node, path: string, out: string[] = []): string[] {
  for (const [key, child] of Object.entries(node.properties ?? {})) {
    if (typeof child.description !== 'string' || child.description === '') out.push(`${path}.${key}`);
  }
  return out;
}

describe('the JSON schema of syncs:', () => {
  const schema = projectJsonSchema(syncTestCatalog) as Schema;

  it('offers syncs: next to flows:, a file needing one of them', () => {
    expect(schema.properties?.syncs).toMatchObject({ type: 'object', additionalProperties: { $ref: '#/$defs/sync' } });
    expect(schema.required).toBeUndefined();
    expect(schema.anyOf).toEqual([
      { required: ['flows'], properties: { flows: { minProperties: 1 } } },
      { required: ['syncs'], properties: { syncs: { minProperties: 1 } } },
    ]);
  });

  it('describes every option of a sync and a side, with the defaults', () => {
    const sync = schema.$defs.sync as Node;
    const side = schema.$defs['sync.side'] as Node;
    expect(undocumented(sync, 'sync')).toEqual([]);
    expect(undocumented(side, 'side')).toEqual([]);
    expect(sync.required).toEqual(['a', 'b', 'fields']);
    expect(side.required).toEqual(['connection', 'key']);
    expect(sync.properties?.batch).toMatchObject({ default: 500 });
    expect(sync.properties?.maxAttempts).toMatchObject({ default: 5 });
    expect(side.properties?.stampCursor).toMatchObject({ type: 'boolean', default: false });
    const conflicts = sync.properties?.conflicts?.anyOf?.[1]?.properties;
    expect(conflicts?.policy).toMatchObject({ default: 'newest', enum: ['newest', 'a', 'b', 'manual'] });
    expect(conflicts?.skew).toMatchObject({ default: '60s' });
    const deletes = sync.properties?.deletes?.anyOf?.[1]?.properties;
    expect(deletes?.policy).toMatchObject({ default: 'ignore' });
    const match = sync.properties?.match?.anyOf?.[1]?.properties;
    expect(match?.normalize).toMatchObject({ default: ['trim', 'lowercase'] });
    expect(match?.maxAmbiguous).toMatchObject({ default: 100 });
    const field = ((sync.properties?.fields?.additionalProperties ?? {}) as Node).anyOf?.find(
      (f) => f.type === 'object',
    );
    expect(undocumented(field as Node, 'field')).toEqual([]);
    expect(field?.properties?.direction).toMatchObject({ default: 'both' });
    expect(field?.properties?.toB?.$ref).toBe('#/$defs/sync.fieldSpec');
  });

  it('offers a side every source type, and only the destinations with keyed writes, without operation and key', () => {
    const side = schema.$defs['sync.side'] as Node;
    expect(side.properties?.source?.anyOf?.map((s) => s.$ref)).toEqual([
      '#/$defs/sync.source.db.table',
      '#/$defs/sync.source.db.query',
      '#/$defs/sync.source.files.csv',
    ]);
    expect(side.properties?.destination?.anyOf?.map((s) => s.$ref)).toEqual([
      '#/$defs/sync.destination.db.table',
      '#/$defs/sync.destination.db.rows',
    ]);
    const table = schema.$defs['sync.destination.db.table'] as Node;
    expect(Object.keys(table.properties ?? {})).toEqual(['type', 'table', 'columns']);
    expect(table.required).toEqual(['type', 'table']);
    const source = schema.$defs['sync.source.db.table'] as Node;
    expect(source.properties?.connection).toBeUndefined();
  });

  it('resolves every $ref, and is plain JSON', () => {
    for (const ref of refs(schema)) expect(schema.$defs[ref.slice('#/$defs/'.length)], ref).toBeDefined();
    expect(JSON.parse(JSON.stringify(schema))).toEqual(schema);
  });

  it('accepts the user example, and refuses a misspelt option where the loader does', () => {
    const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
    expect(validate(parseYaml(USER_SYNC)), JSON.stringify(validate.errors)).toBe(true);
    const wrong = parseYaml(USER_SYNC.replace('stampCursor: true', 'stampCursr: true'));
    expect(validate(wrong)).toBe(false);
  });
});
