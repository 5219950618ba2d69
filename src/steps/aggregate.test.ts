import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import { parseProject } from '../config/parse-project.js';
import { createEngine } from '../engine/engine.js';
import { storeState } from '../engine/make-context.js';
import { type Context, createRecord, type DataRecord, FlowError, type Json, type JsonObject } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { aggregateConfigSchema } from './aggregate-config.js';
import { compileAggregate } from './aggregate-functions.js';
import { createGroupTable } from './aggregate-groups.js';
import { AGGREGATE_FLUSH_PAGE, aggregateStep, spillNamespace } from './aggregate-step.js';
import { addExact, exactTotal, mergeExact } from './exact-sum.js';
import { builtinSteps } from './index.js';
import { testContext } from './test-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-aggregate-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let stores = 0;
const WHERE = 'flow f/step agg (f.yaml:3:5)';

/** A context whose `state` is a real SQLite store in a temp file. */
async function storeContext(runId = '1', flow = 'f'): Promise<{ store: StateStore; ctx: Context }> {
  const store = await openStore(join(dir, `state-${++stores}.db`));
  return { store, ctx: { ...testContext, runId, flow, state: storeState(store, testContext.clock) } };
}

const records = (rows: JsonObject[]): DataRecord[] => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

/** Runs `rows` through an aggregate step, `pageSize` records per `process`, then flushes until done. */
async function aggregate(config: unknown, rows: JsonObject[], ctx: Context = testContext, pageSize = 100) {
  const processor = await aggregateStep.create({ config: aggregateConfigSchema.parse(config), where: WHERE }, ctx);
  const input = records(rows);
  const failed: [string, string, string, string | undefined][] = [];
  const hints = new Set<string | undefined>();
  const stats: Record<string, number> = {};
  const count = (s: Readonly<Record<string, number>> | undefined) => {
    for (const [k, v] of Object.entries(s ?? {})) stats[k] = (stats[k] ?? 0) + v;
  };
  for (let i = 0; i < input.length; i += pageSize) {
    const result = await processor.process(input.slice(i, i + pageSize), ctx);
    expect(result.records).toEqual([]);
    for (const f of result.failed) {
      failed.push([f.record.meta.id, f.error.code, f.error.message, f.error.where]);
      hints.add(f.error.hint);
    }
    count(result.stats);
  }
  const out: DataRecord[] = [];
  let flushes = 0;
  for (;;) {
    const tail = await processor.flush?.(ctx);
    if (!tail) throw new Error('aggregate has no flush');
    flushes += 1;
    out.push(...tail.records);
    count(tail.stats);
    if (!tail.more) break;
  }
  return {
    out: out.map((r) => r.data),
    ids: out.map((r) => r.meta.id),
    keys: out.map((r) => r.key),
    failed,
    hints,
    stats,
    flushes,
  };
}

const orders: JsonObject[] = [
  { customer: 'c1', currency: 'EUR', total: 10, at: '2024-03-02', sku: 'A' },
  { customer: 'c2', currency: 'EUR', total: '2.50', at: '2024-01-09', sku: 'B' },
  { customer: 'c1', currency: 'USD', total: 7, at: '2024-02-01', sku: null },
  { customer: 'c1', currency: 'EUR', total: null, at: '2024-01-05', sku: 'C' },
  { customer: 'c1', currency: 'EUR', total: 5.25, at: '2024-04-11', sku: 'A' },
  { customer: 'c2', currency: 'EUR', at: '2024-05-30' },
];

const everyFunction = {
  groupBy: ['customer', 'currency'],
  fields: {
    orders: { count: true },
    priced: { count: 'total' },
    revenue: { sum: 'total' },
    avg_total: { avg: 'total' },
    first_order: { min: 'at' },
    last_order: { max: 'at' },
    smallest: { min: 'total' },
    largest: { max: 'total' },
    first_sku: { first: 'sku' },
    last_sku: { last: 'sku' },
    skus: { collect: 'sku' },
    distinct_skus: { collect: 'sku', distinct: true },
    two_skus: { collect: 'sku', limit: 2 },
  },
};

describe('aggregate: functions', () => {
  it('computes every function per group of several fields, in first-seen order, nulls and missing values left out', async () => {
    const { out, ids, keys, failed, flushes } = await aggregate(everyFunction, orders);
    expect(failed).toEqual([]);
    expect(flushes).toBe(1);
    expect(out).toEqual([
      {
        customer: 'c1',
        currency: 'EUR',
        orders: 3,
        priced: 2,
        revenue: 15.25,
        avg_total: 7.625,
        first_order: '2024-01-05',
        last_order: '2024-04-11',
        smallest: 5.25,
        largest: 10,
        first_sku: 'A',
        last_sku: 'A',
        skus: ['A', 'C', 'A'],
        distinct_skus: ['A', 'C'],
        two_skus: ['A', 'C'],
      },
      {
        customer: 'c2',
        currency: 'EUR',
        orders: 2,
        priced: 1,
        revenue: 2.5,
        avg_total: 2.5,
        first_order: '2024-01-09',
        last_order: '2024-05-30',
        smallest: '2.50',
        largest: '2.50',
        first_sku: 'B',
        last_sku: 'B',
        skus: ['B'],
        distinct_skus: ['B'],
        two_skus: ['B'],
      },
      {
        customer: 'c1',
        currency: 'USD',
        orders: 1,
        priced: 1,
        revenue: 7,
        avg_total: 7,
        first_order: '2024-02-01',
        last_order: '2024-02-01',
        smallest: 7,
        largest: 7,
        first_sku: null,
        last_sku: null,
        skus: [],
        distinct_skus: [],
        two_skus: [],
      },
    ]);
    expect(ids).toEqual(['["c1","EUR"]', '["c2","EUR"]', '["c1","USD"]']);
    expect(keys).toEqual(ids);
  });

  it('gives null for sum, avg, min, max, first and last of a group without values, 0 for count', async () => {
    const { out } = await aggregate(
      {
        groupBy: 'g',
        fields: {
          n: { count: 'x' },
          s: { sum: 'x' },
          a: { avg: 'x' },
          lo: { min: 'x' },
          hi: { max: 'x' },
          f: { first: 'x' },
          l: { last: 'x' },
          c: { collect: 'x' },
        },
      },
      [{ g: 1 }, { g: 1, x: null }, { g: 1, x: '' }],
    );
    // '' is a value for count, first, last and min/max (text), and no number for sum and avg
    expect(out).toEqual([{ g: 1, n: 1, s: null, a: null, lo: '', hi: '', f: '', l: '', c: [''] }]);
  });

  it('orders numbers before text for min and max, compares numbers as numbers and text as text', async () => {
    const { out } = await aggregate({ groupBy: 'g', fields: { lo: { min: 'v' }, hi: { max: 'v' } } }, [
      { g: 'n', v: 10 },
      { g: 'n', v: 9 },
      { g: 'n', v: -1.5 },
      { g: 't', v: 'b' },
      { g: 't', v: '10' },
      { g: 't', v: '9' },
      { g: 'mixed', v: 'a' },
      { g: 'mixed', v: 1000 },
      { g: 'mixed', v: 'B' },
    ]);
    expect(out).toEqual([
      { g: 'n', lo: -1.5, hi: 10 },
      { g: 't', lo: '10', hi: 'b' },
      { g: 'mixed', lo: 1000, hi: 'a' },
    ]);
  });

  it('groups records without a groupBy value under null, and renames group fields with { name: path }', async () => {
    const { out, ids } = await aggregate({ groupBy: { customer_id: 'customer.id' }, fields: { n: { count: true } } }, [
      { customer: { id: 7 } },
      { customer: {} },
      { customer: { id: 7 } },
      {},
      { customer: { id: null } },
    ]);
    expect(out).toEqual([
      { customer_id: 7, n: 2 },
      { customer_id: null, n: 3 },
    ]);
    expect(ids).toEqual(['[7]', '[null]']);
  });

  it('keeps 7 and "7" apart (values group by JSON type), and makes one group of everything without groupBy', async () => {
    const rows = [
      { k: 7, x: 1 },
      { k: '7', x: 2 },
      { k: 7, x: 3 },
    ];
    expect((await aggregate({ groupBy: 'k', fields: { s: { sum: 'x' } } }, rows)).out).toEqual([
      { k: 7, s: 4 },
      { k: '7', s: 2 },
    ]);
    // texts that look like the in-memory key of other values stay apart too
    const tricky = [
      { a: 'x\u0001y', b: 'z' },
      { a: 'x', b: 'y\u0001z' },
      { a: '\u00027', b: 'z' },
      { a: 7, b: 'z' },
      { a: '\u0000[7,"z"]', b: 'z' },
      { a: 'x\u0001y', b: 'z' },
    ];
    expect((await aggregate({ groupBy: ['a', 'b'], fields: { n: { count: true } } }, tricky)).out).toEqual([
      { a: 'x\u0001y', b: 'z', n: 2 },
      { a: 'x', b: 'y\u0001z', n: 1 },
      { a: '\u00027', b: 'z', n: 1 },
      { a: 7, b: 'z', n: 1 },
      { a: '\u0000[7,"z"]', b: 'z', n: 1 },
    ]);
    const total = await aggregate({ fields: { s: { sum: 'x' }, n: { count: true } } }, rows);
    expect(total.out).toEqual([{ s: 6, n: 3 }]);
    expect(total.ids).toEqual(['[]']);
  });

  it('sums exactly: the result does not depend on the order of the values', async () => {
    const values = [0.1, 0.2, 0.3, 1e16, 1, -1e16, 0.7];
    const sums = [
      values,
      [...values].reverse(),
      [values[3], values[5], ...values.slice(0, 3), values[4], values[6]],
    ].map((order) => {
      let p: number[] = [];
      for (const v of order) p = addExact(p, v as number);
      return exactTotal(p);
    });
    expect(new Set(sums).size).toBe(1);
    expect(sums[0]).toBe(2.3);
    let tenths: number[] = [];
    for (let i = 0; i < 10; i++) tenths = addExact(tenths, 0.1);
    expect(exactTotal(tenths)).toBe(1); // a naive loop gives 0.9999999999999999
    const a = [1e100, 1];
    const b = [-1e100, 1e-100];
    let one: number[] = [];
    for (const v of a) one = addExact(one, v);
    let other: number[] = [];
    for (const v of b) other = addExact(other, v);
    expect(exactTotal(mergeExact(one, other))).toBe(1);
    expect(exactTotal([])).toBe(0);
  });
});

describe('aggregate: bad values and configuration', () => {
  it('sends a record whose value a function cannot take to the error store, counting it in no field', async () => {
    const { out, failed, hints } = await aggregate(
      { groupBy: 'g', fields: { n: { count: true }, s: { sum: 'total' }, hi: { max: 'at' } } },
      [
        { g: 1, total: 5, at: 'x' },
        { g: 1, total: '12,50', at: 'y' },
        { g: 1, total: 1, at: { when: 'z' } },
        { g: 2, total: true },
      ],
    );
    expect(out).toEqual([{ g: 1, n: 1, s: 5, hi: 'x' }]);
    expect(failed).toEqual([
      ['r2', 'RECORD_BAD_VALUE', 'field total: "12,50" is not a number (s: sum total)', `${WHERE} record r2`],
      [
        'r3',
        'RECORD_BAD_VALUE',
        'field at: {"when":"z"} cannot be compared (hi: max at takes numbers or text)',
        `${WHERE} record r3`,
      ],
      ['r4', 'RECORD_BAD_VALUE', 'field total: true is not a number (s: sum total)', `${WHERE} record r4`],
    ]);
    // retrying one record through an aggregate would emit a group of that record alone: the hint says so
    expect([...hints]).toEqual([expect.stringContaining('run the flow again; retrying this record alone')]);
  });

  it('rejects a field without a function, with two, and collect options on another function', () => {
    const issues = (fields: unknown) =>
      aggregateConfigSchema.safeParse({ fields }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues({ n: {} })).toEqual(['fields.n: name a function: count, sum, avg, min, max, first, last, collect']);
    expect(issues({ n: { sum: 'a', max: 'a' } })).toEqual([
      'fields.n: one function per field, not sum and max: add another output field for each',
    ]);
    expect(issues({ n: { sum: 'a', limit: 3 } })).toEqual(['fields.n.limit: limit applies to collect only']);
    expect(issues({})).toEqual(['fields: name at least one output field, e.g. { count: { count: true } }']);
    expect(aggregateConfigSchema.safeParse({ fields: { n: { count: true } }, maxGroup: 5 }).success).toBe(false);
    expect(aggregateConfigSchema.parse({ fields: { n: { count: true } } }).maxGroups).toBe(100_000);
  });

  it('fails at create on a malformed path, an output field named like a group field, or an unparsed bad config', async () => {
    const create = async (config: unknown) => aggregateStep.create({ config, where: WHERE }, testContext);
    await expect(create({ groupBy: 'a..b', fields: { n: { count: true } } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `${WHERE}: groupBy.a..b: empty segment at position 3`,
    });
    await expect(create({ fields: { s: { sum: 'lines[x' } } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'fields.s.sum',
    });
    await expect(create({ groupBy: ['customer'], fields: { customer: { count: true } } })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: `${WHERE}: fields.customer: "customer" is also a groupBy field`,
    });
    const e = await create({ fields: { n: { avg: 'x', sum: 'x' } } }).catch((error: unknown) => error);
    expect(e).toBeInstanceOf(FlowError);
    expect((e as FlowError).message).toContain('fields.n: one function per field');
  });
});

/** Deterministic orders over `customers` × 2 currencies, with decimals, nulls, numeric text and missing SKUs. */
function generated(n: number, customers: number): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({
    customer: `c${(i * 7) % customers}`,
    currency: Math.floor(i / customers) % 2 === 0 ? 'EUR' : 'USD',
    total: i % 17 === 0 ? null : i % 13 === 0 ? `${(i % 500) / 4}` : ((i * 7919) % 100_000) / 100,
    at: new Date(Date.UTC(2024, 0, 1) + ((i * 104_729) % 365) * 86_400_000).toISOString(),
    sku: i % 5 === 0 ? null : `S${(i * 31) % 23}`,
  }));
}

const sortById = <T extends { id: string }>(rows: T[]) => [...rows].sort((a, b) => (a.id < b.id ? -1 : 1));

describe('aggregate: spilling to the state store', () => {
  it('gives the same groups spilled through SQLite (tiny maxGroups) as in memory, in key order, and clears what it stored', async () => {
    const rows = generated(3_000, 150);
    const inMemory = await aggregate(everyFunction, rows);
    expect(inMemory.stats).toEqual({});
    const { store, ctx } = await storeContext('41');
    const spilled = await aggregate({ ...everyFunction, maxGroups: 7 }, rows, ctx, 50);
    expect(spilled.stats.spills).toBeGreaterThan(20);
    expect(spilled.stats.spilledGroups).toBeGreaterThan(300);
    expect(inMemory.out).toHaveLength(300);
    const pair = (r: { out: JsonObject[]; ids: string[] }) => r.ids.map((id, i) => ({ id, data: r.out[i] }));
    expect(sortById(pair(spilled))).toEqual(sortById(pair(inMemory)));
    expect(spilled.ids).toEqual([...spilled.ids].sort());
    expect(await ctx.state?.scan(spillNamespace(ctx, WHERE), undefined, 10)).toEqual([]);
    await store.close();
  });

  it('keeps first, last and collect in input order across spills, and the limit of collect', async () => {
    const rows = Array.from({ length: 40 }, (_, i) => ({ g: i % 4, v: i }));
    const config = {
      groupBy: 'g',
      fields: {
        f: { first: 'v' },
        l: { last: 'v' },
        c: { collect: 'v', limit: 6 },
        d: { collect: 'g', distinct: true },
      },
      maxGroups: 1,
    };
    const { store, ctx } = await storeContext('42');
    const { out, stats } = await aggregate(config, rows, ctx, 3);
    expect(stats.spills).toBeGreaterThan(5);
    expect(out).toEqual(
      [0, 1, 2, 3].map((g) => ({ g, f: g, l: 36 + g, c: [0, 4, 8, 12, 16, 20].map((x) => x + g), d: [g] })),
    );
    await store.close();
  });

  it('emits more groups than one flush page a page at a time, in memory and spilled', async () => {
    const rows = Array.from({ length: AGGREGATE_FLUSH_PAGE + 1_200 }, (_, i) => ({ id: i, x: 1 }));
    const config = { groupBy: 'id', fields: { n: { count: true } } };
    const memory = await aggregate(config, rows, testContext, 1_000);
    expect(memory.flushes).toBe(2);
    expect(memory.out).toHaveLength(rows.length);
    expect(memory.out.slice(0, 2)).toEqual([
      { id: 0, n: 1 },
      { id: 1, n: 1 },
    ]);
    const { store, ctx } = await storeContext('43');
    const spilled = await aggregate({ ...config, maxGroups: 2_000 }, rows, ctx, 1_000);
    expect(spilled.flushes).toBe(2);
    expect(spilled.out).toHaveLength(rows.length);
    expect(new Set(spilled.ids).size).toBe(rows.length);
    await store.close();
  });

  it('without a state store (preview) keeps every group in memory, whatever maxGroups says', async () => {
    const { out, stats } = await aggregate(
      { groupBy: 'k', fields: { n: { count: true } }, maxGroups: 1 },
      generated(200, 30).map((r) => ({ k: r.customer ?? null })),
    );
    expect(out).toHaveLength(30);
    expect(stats).toEqual({});
  });

  it("clears the spilled groups a crashed run of the flow left behind when the next run's step starts", async () => {
    const { store, ctx } = await storeContext('50');
    const crashed = await aggregateStep.create(
      { config: { groupBy: 'k', fields: { n: { count: true } }, maxGroups: 1 }, where: WHERE },
      ctx,
    );
    await crashed.process(records([{ k: 1 }, { k: 2 }, { k: 3 }]), ctx);
    const old = spillNamespace(ctx, WHERE);
    expect(await ctx.state?.scan(old, undefined, 10)).toHaveLength(3);
    const next = { ...ctx, runId: '51' };
    await aggregateStep.create({ config: { fields: { n: { count: true } } }, where: 'flow f/step other' }, next);
    expect(await ctx.state?.scan(old, undefined, 10)).toEqual([]);
    await store.close();
  });
});

describe('aggregate: in a run', () => {
  const yaml = (maxGroups: number) => `connections:
  mem: { type: memory }
flows:
  f:
    source: { connection: mem, type: memory.rows, pageSize: 500 }
    steps:
      - aggregate:
          groupBy: { id: customer, currency: currency }
          fields:
            orders: { count: true }
            revenue: { sum: total }
          maxGroups: ${maxGroups}
      - aggregate:
          groupBy: { id: currency }
          fields:
            customers: { count: true }
            revenue: { sum: revenue }
            orders: { sum: orders }
    destinations:
      - { connection: mem, type: memory.table, table: by_currency }
`;

  it('streams a spilled aggregate out a page at a time, flushes the next aggregate after it, and commits the checkpoint last', async () => {
    // 12,000 orders of 3,000 customers, each in 2 currencies: 6,000 groups, more than one flush page
    const rows = Array.from({ length: 12_000 }, (_, i) => ({
      id: i,
      customer: `c${i % 3_000}`,
      currency: Math.floor(i / 3_000) % 2 === 0 ? 'EUR' : 'USD',
      total: (i % 100) / 4,
    }));
    const results = [];
    for (const maxGroups of [100_000, 500]) {
      const world = memoryWorld(rows);
      const catalog = { connectors: [memoryConnector(world)], steps: builtinSteps };
      const project = parseProject(yaml(maxGroups), join(dir, 'flows.yaml'), catalog);
      const store = await openStore(join(dir, `run-${maxGroups}.db`));
      const engine = createEngine({ ...catalog, store });
      const run = await engine.run(project, 'f', { trigger: 'cli' });
      expect(run.status).toBe('succeeded');
      const [first, second] = Object.keys(run.counts.steps);
      expect(run.counts.steps[first as string]).toMatchObject({ in: 12_000, out: 6_000, failed: 0, skipped: 0 });
      expect(run.counts.steps[second as string]).toMatchObject({ in: 6_000, out: 2, failed: 0, skipped: 0 });
      expect(run.counts.written).toBe(2);
      const pages = await store.listPages(run.id);
      // 24 source pages, then a flush page of 5,000 groups, then the last 1,000 with both flushes and the checkpoint
      expect(pages.map((p) => p.checkpoint)).toEqual([...Array(25).fill(null), 12_000]);
      if (maxGroups === 500) expect(run.counts.steps[first as string]?.stats?.spills).toBeGreaterThan(0);
      results.push(Object.fromEntries(world.tables.get('by_currency') ?? []));
      await engine.close();
      await store.close();
    }
    const eur = rows.filter((r) => r.currency === 'EUR').reduce((s, r) => s + r.total, 0);
    expect(results[0]).toEqual({
      EUR: { id: 'EUR', customers: 3_000, revenue: eur, orders: 6_000 },
      USD: { id: 'USD', customers: 3_000, revenue: rows.reduce((s, r) => s + r.total, 0) - eur, orders: 6_000 },
    });
    expect(results[1]).toEqual(results[0]);
  });

  it('refuses to retry alone a record that failed on its way into an aggregate', async () => {
    const rows = [
      { id: 1, customer: 'c1', currency: 'EUR', total: 10 },
      { id: 2, customer: 'c1', currency: 'EUR', total: 'ten' },
      { id: 3, customer: 'c1', currency: 'EUR', total: 5 },
    ];
    const world = memoryWorld(rows);
    const catalog = { connectors: [memoryConnector(world)], steps: builtinSteps };
    const project = parseProject(yaml(100), join(dir, 'flows.yaml'), catalog);
    const store = await openStore(join(dir, 'retry.db'));
    const engine = createEngine({ ...catalog, store });
    const run = await engine.run(project, 'f', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    const [error] = await store.listErrors({ flow: 'f' });
    await expect(engine.retryError(project, error?.id as number)).rejects.toMatchObject({
      code: 'ERROR_RECORD_NOT_RETRYABLE',
    });
    expect((await store.getError(error?.id as number))?.status).toBe('open');
    await engine.close();
    await store.close();
  });

  it('previews the groups as output-only rows', async () => {
    const rows = [
      { id: 1, customer: 'c1', currency: 'EUR', total: 10 },
      { id: 2, customer: 'c2', currency: 'EUR', total: 5 },
    ];
    const world = memoryWorld(rows);
    const catalog = { connectors: [memoryConnector(world)], steps: builtinSteps };
    const project = parseProject(yaml(100), join(dir, 'flows.yaml'), catalog);
    const store = await openStore(join(dir, 'preview.db'));
    const engine = createEngine({ ...catalog, store });
    const preview = await engine.preview(project, 'f', 10);
    expect(preview.rows.filter((r) => r.input === null)).toEqual([
      { id: '["EUR"]', input: null, output: { id: 'EUR', customers: 2, revenue: 15, orders: 2 } },
    ]);
    await engine.close();
    await store.close();
  });

  it('merges a group spilled many times, read back a few groups at a time', async () => {
    const { store, ctx } = await storeContext('r-runs', 'f');
    const count = compileAggregate('n', { count: true }, 'w');
    const sum = compileAggregate('s', { sum: 'v' }, 'w');
    const table = createGroupTable({ aggregates: [count, sum], maxGroups: 1, state: ctx.state, namespace: 'agg:runs' });
    let seq = 0;
    for (let i = 0; i < 30; i++) {
      for (const g of ['a', 'b']) {
        const group = table.group([g], seq++);
        group.slots = [count.add(group.slots[0], true), sum.add(group.slots[1], 2)];
      }
      await table.relieve(); // two groups held, one allowed: every round spills, merging with the store
    }
    const seen: [string, Json, Json][] = [];
    for (let done = false; !done; ) {
      const next = await table.next(1);
      for (const { key, group } of next.groups)
        seen.push([key, count.result(group.slots[0]), sum.result(group.slots[1])]);
      done = next.done;
    }
    expect(seen).toEqual([
      ['["a"]', 30, 60],
      ['["b"]', 30, 60],
    ]);
    expect(await store.scanState('agg:runs', undefined, 10)).toEqual([]);
    await store.close();
  });
});
