import { describe, expect, it } from 'vitest';
import type { DataRecord, Json, JsonObject } from '../sdk/index.js';
import { builtinSteps, mapStep } from './index.js';
import type { MapConfig } from './map-config.js';
import { compileMapping } from './mapping.js';
import { flowErrorOf, testContext } from './test-helpers.js';

const order: JsonObject = {
  name: '#1001',
  status: 'confirmed',
  created_at: '2024-03-31T00:30:00Z',
  total_price: ' 12.50 ',
  quantity: 2,
  unit_price: 9.5,
  discount: 1,
  customer: { email: 'Ada@Example.COM', first_name: 'Ada', last_name: 'Lovelace', phone: null },
  lines: [{ sku: 'A-1' }, { sku: 'B-2' }],
  address: { country: null },
};
const map = (config: MapConfig, data: JsonObject = order): JsonObject =>
  compileMapping(config, 'flow f/step map')(data);

describe('map fields', () => {
  it('maps the example from the docs, in declared order', () => {
    const out = map({
      order_no: { from: 'name' },
      sku: 'lines[0].sku',
      email: { from: 'customer.email', transform: 'lowercase' },
      total: { from: 'total_price', transform: ['trim', 'number'] },
      state: { from: 'status', values: { pending: 'draft', confirmed: 'approved' }, default: 'draft' },
      full_name: { template: '{{customer.first_name}} {{customer.last_name}}' },
      source: { value: 'shopify' },
      amount: { compute: 'quantity * unit_price - discount' },
      ordered_on: {
        from: 'created_at',
        transform: { date: { format: 'yyyy-MM-dd HH:mm', outputZone: 'Europe/Berlin' } },
      },
      phone: { from: 'customer.phone', onMissing: 'omit' },
      country: { from: 'address.country', default: 'DE' },
    });
    expect(out).toEqual({
      order_no: '#1001',
      sku: 'A-1',
      email: 'ada@example.com',
      total: 12.5,
      state: 'approved',
      full_name: 'Ada Lovelace',
      source: 'shopify',
      amount: 18,
      ordered_on: '2024-03-31 01:30',
      country: 'DE',
    });
    expect(Object.keys(out)).toEqual([
      'order_no',
      'sku',
      'email',
      'total',
      'state',
      'full_name',
      'source',
      'amount',
      'ordered_on',
      'country',
    ]);
  });

  it.each<[string, MapConfig, JsonObject, JsonObject]>([
    ['value map hit', { s: { from: 'status', values: { paid: 'P' } } }, { status: 'paid' }, { s: 'P' }],
    [
      'value map miss → default',
      { s: { from: 'status', values: { paid: 'P' }, default: 'X' } },
      { status: 'new' },
      { s: 'X' },
    ],
    ['value map on numbers', { s: { from: 'code', values: { '1': 'one', '2': 'two' } } }, { code: 2 }, { s: 'two' }],
    ['value map on booleans', { s: { from: 'ok', values: { true: 'Y', false: 'N' } } }, { ok: false }, { s: 'N' }],
    [
      'value map after transform',
      { s: { from: 'status', transform: 'lowercase', values: { paid: 'P' } } },
      { status: 'PAID' },
      { s: 'P' },
    ],
    [
      'value map to null → missing',
      { s: { from: 'status', values: { void: null }, default: 'D' } },
      { status: 'void' },
      { s: 'D' },
    ],
    [
      'value map does not see inherited keys',
      { s: { from: 'k', values: { a: 1 }, default: 0 } },
      { k: 'constructor' },
      { s: 0 },
    ],
    ['missing → null by default', { x: 'nope' }, {}, { x: null }],
    ['null stays null', { x: 'v' }, { v: null }, { x: null }],
    ['missing → omit', { x: { from: 'nope', onMissing: 'omit' } }, {}, {}],
    ['missing → default', { x: { from: 'nope', default: 5 } }, {}, { x: 5 }],
    ['default is not transformed', { x: { from: 'nope', transform: 'number', default: 'n/a' } }, {}, { x: 'n/a' }],
    ['empty string → number → missing', { x: { from: 'v', transform: 'number', default: 0 } }, { v: '' }, { x: 0 }],
    ['empty string is a value', { x: 'v' }, { v: '' }, { x: '' }],
    [
      'false and 0 are values',
      { a: { from: 'f', default: true }, b: { from: 'z', default: 1 } },
      { f: false, z: 0 },
      { a: false, b: 0 },
    ],
    ['$onMissing omit for all', { $onMissing: 'omit', a: 'x', b: { from: 'y', onMissing: null } }, {}, { b: null }],
    ['YAML null for onMissing means null', { a: { from: 'x', onMissing: null } }, {}, { a: null }],
    [
      'objects and arrays copied by reference',
      { o: 'obj', l: 'list' },
      { obj: { a: 1 }, list: [1, 2] },
      { o: { a: 1 }, l: [1, 2] },
    ],
    ['constant objects', { c: { value: { a: [1] } } }, {}, { c: { a: [1] } }],
    ['compute null → default', { c: { compute: 'a * 2', default: -1 } }, {}, { c: -1 }],
    ['$$ escapes an output field name', { $$ref: 'id' }, { id: 7 }, { $ref: 7 }],
  ])('%s', (_name, config, input, expected) => {
    expect(map(config, input)).toEqual(expected);
  });

  it('$keep copies input fields first, mapped fields override and append', () => {
    const out = map(
      { $keep: true, name: { from: 'name', transform: 'lowercase' }, extra: { value: 1 } },
      { id: 1, name: 'A', z: true },
    );
    expect(out).toEqual({ id: 1, name: 'a', z: true, extra: 1 });
    expect(Object.keys(out)).toEqual(['id', 'name', 'z', 'extra']);
  });

  it('$drop leaves input fields out', () => {
    expect(map({ $keep: true, $drop: ['secret', 'internal'] }, { id: 1, secret: 's', internal: 2 })).toEqual({ id: 1 });
  });

  it('does not change the input', () => {
    const input: JsonObject = { a: ' x ', nested: { b: 1 } };
    map({ $keep: true, a: { from: 'a', transform: 'trim' } }, input);
    expect(input).toEqual({ a: ' x ', nested: { b: 1 } });
  });
});

describe('record errors', () => {
  it.each<[string, MapConfig, JsonObject, string, string, string]>([
    [
      'onMissing error',
      { phone: { from: 'customer.phone', onMissing: 'error' } },
      { customer: {} },
      'RECORD_MISSING_FIELD',
      'phone',
      'source customer.phone is missing or null',
    ],
    ['$onMissing error', { $onMissing: 'error', phone: 'p' }, {}, 'RECORD_MISSING_FIELD', 'phone', 'onMissing: error'],
    [
      'onMissing error on null',
      { p: { from: 'p', onMissing: 'error' } },
      { p: null },
      'RECORD_MISSING_FIELD',
      'p',
      'missing or null',
    ],
    [
      'bad number',
      { total: { from: 't', transform: 'number' } },
      { t: '12,5' },
      'RECORD_BAD_VALUE',
      'total',
      '"12,5" is not a number (transform number)',
    ],
    [
      'value not in map',
      { s: { from: 'status', values: { a: 1, b: 2 } } },
      { status: 'c' },
      'RECORD_BAD_VALUE',
      's',
      '"c" is not in values ("a", "b"); add it or set a default',
    ],
    [
      'bad date',
      { d: { from: 'd', transform: 'date' } },
      { d: 'soon' },
      'RECORD_BAD_VALUE',
      'd',
      '"soon" is not an ISO 8601 date',
    ],
    [
      'bad expression operand',
      { c: { compute: 'a * 2' } },
      { a: 'x' },
      'RECORD_BAD_VALUE',
      'c',
      '"x" (a) is not a number',
    ],
  ])('%s', (_name, config, input, code, field, message) => {
    const error = flowErrorOf(() => map(config, input));
    expect(error.code).toBe(code);
    expect(error.kind).toBe('record');
    expect(error.field).toBe(field);
    expect(error.message).toContain(`field ${field}:`);
    expect(error.message).toContain(message);
  });
});

describe('config errors', () => {
  it.each<[string, unknown, string, string | undefined]>([
    [
      'unknown transform',
      { e: { from: 'email', transform: 'lowercse' } },
      'e.transform: unknown transform "lowercse"',
      'e.transform',
    ],
    ['bad path', { e: 'a..b' }, 'e.from: bad path "a..b": empty segment', 'e.from'],
    ['bad template', { e: { template: '{{#if a}}' } }, 'e.template: bad template', 'e.template'],
    ['bad expression', { e: { compute: '1 +' } }, 'e.compute: cannot parse expression "1 +"', 'e.compute'],
    [
      'bad date format',
      { e: { from: 'd', transform: { date: { format: 'yyyy-QQ' } } } },
      'e.transform.date.format: bad date format',
      'e.transform.date.format',
    ],
    ['two sources', { e: { from: 'a', value: 1 } }, 'e: has both from and value; keep one', 'e'],
    ['no source', { e: { transform: 'trim' } }, 'e: needs one of from, template, value or compute', 'e'],
    ['unknown key', { e: { form: 'a' } }, 'e.form: unknown key "form"', 'e.form'],
    ['number as field', { e: 5 }, 'e: must be a path string or an object', 'e'],
    [
      'bad onMissing',
      { e: { from: 'a', onMissing: 'skip' } },
      'e.onMissing: onMissing must be null, omit or error',
      'e.onMissing',
    ],
    ['bad values', { e: { from: 'a', values: ['x'] } }, 'e.values: must be an object', 'e.values'],
    ['from not a string', { e: { from: 5 } }, 'e.from: must be a string', 'e.from'],
    ['unknown option', { $kep: true, a: 'a' }, '$kep: unknown map option "$kep"', '$kep'],
    ['bad $onMissing', { $onMissing: 'drop', a: 'a' }, '$onMissing: onMissing must be', '$onMissing'],
    ['$drop without $keep', { $drop: ['a'], b: 'b' }, '$drop: only makes sense with $keep: true', '$drop'],
    ['$keep not boolean', { $keep: 'yes' }, '$keep: must be true or false', '$keep'],
    ['no fields', {}, 'map has no fields', undefined],
    ['not an object', ['a'], 'map needs an object', undefined],
  ])('%s', (_name, config, message, field) => {
    const error = flowErrorOf(() => compileMapping(config as MapConfig, 'flow f/step map (f.yaml:3:7)'));
    expect(error.code).toBe('CONFIG_BAD_MAPPING');
    expect(error.kind).toBe('config');
    expect(error.where).toBe('flow f/step map (f.yaml:3:7)');
    expect(error.field).toBe(field);
    expect(error.message).toContain(message);
  });

  it('suggests the right option name', () => {
    expect(flowErrorOf(() => compileMapping({ $kep: true } as MapConfig, 'w')).hint).toContain('Did you mean "$keep"?');
  });
});

describe('map step', () => {
  const records: DataRecord[] = [
    { data: { n: '1' }, meta: { id: 'r1' }, key: 'k1' },
    { data: { n: 'x' }, meta: { id: 'r2' } },
    { data: { n: '3' }, meta: { id: 'r3', position: 'a.csv:4' } },
  ];

  it('is registered as a built-in and validates its config with zod', () => {
    expect(builtinSteps.map((s) => s.type)).toEqual([
      'map',
      'filter',
      'validate',
      'lookup',
      'script',
      'aggregate',
      'dedupe',
    ]);
    expect(
      mapStep.config.safeParse({ a: 'x', b: { from: 'y', transform: ['trim', { round: 2 }] }, $keep: true }).success,
    ).toBe(true);
    expect(mapStep.config.safeParse({ a: { from: 'y', bogus: 1 } }).success).toBe(false);
    expect(mapStep.config.safeParse({ a: { from: 'y', onMissing: 'later' } }).success).toBe(false);
  });

  it('keeps the declared field order through zod parsing', () => {
    const config = mapStep.config.parse({ z: 'a', $keep: false, b: { value: 1 }, a: 'c' }) as MapConfig;
    expect(Object.keys(compileMapping(config, 'w')({ a: 1, c: 2 }))).toEqual(['z', 'b', 'a']);
  });

  it('maps good records, reports bad ones in failed (never throws), keeps meta and key', async () => {
    const processor = await mapStep.create(
      { config: { n: { from: 'n', transform: 'number' } }, where: 'flow f/step map' },
      testContext,
    );
    const result = await processor.process(records, testContext);
    expect(result.records).toEqual([
      { data: { n: 1 }, meta: { id: 'r1' }, key: 'k1' },
      { data: { n: 3 }, meta: { id: 'r3', position: 'a.csv:4' } },
    ]);
    expect(result.failed).toHaveLength(1);
    const failure = result.failed[0] as {
      record: DataRecord;
      error: { code: string; where?: string; field?: string; kind: string };
    };
    expect(failure.record).toBe(records[1]);
    expect(failure.error).toMatchObject({
      code: 'RECORD_BAD_VALUE',
      kind: 'record',
      where: 'flow f/step map record r2',
      field: 'n',
    });
  });

  it('fails at create with a config error', async () => {
    await expect(async () =>
      mapStep.create({ config: { n: { from: 'n', transform: 'nope' } }, where: 'w' }, testContext),
    ).rejects.toMatchObject({
      code: 'CONFIG_BAD_MAPPING',
      where: 'w',
    });
  });

  it('turns an unexpected error into INTERNAL for that record only', async () => {
    const processor = await mapStep.create({ config: { t: { compute: 'length(x)' } }, where: 'w' }, testContext);
    const weird = { data: { x: 'ab' }, meta: { id: 'ok' } };
    const broken = { data: null as unknown as JsonObject, meta: { id: 'bad' } };
    const result = await processor.process([weird, broken], testContext);
    expect(result.records.map((r) => r.data.t as Json)).toEqual([2]);
    expect(result.failed[0]?.error.code).toBe('INTERNAL');
    expect(result.failed[0]?.error.where).toBe('w record bad');
  });
});
