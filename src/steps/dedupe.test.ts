import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import {
  checkStep,
  countStep,
  type MemoryWorld,
  memoryConnector,
  memoryWorld,
} from '../../test/helpers/memory-connector.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { createEngine } from '../engine/engine.js';
import { storeState } from '../engine/make-context.js';
import {
  type Context,
  createRecord,
  FlowError,
  type JsonObject,
  ManualClock,
  type StateWrite,
  type StepState,
} from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { dedupeConfigSchema } from './dedupe-config.js';
import { MAX_KEY_LENGTH } from './dedupe-key.js';
import { type DedupeProcessor, dedupeStep } from './dedupe-step.js';
import { testContext } from './test-helpers.js';

const WHERE = 'flow f/step dedupe (f.yaml:3:9)';
const DAY = 86_400_000;

async function dedupe(config: unknown, ctx: Context = testContext): Promise<DedupeProcessor> {
  const created = await dedupeStep.create({ config: dedupeConfigSchema.parse(config), where: WHERE }, ctx);
  return created as DedupeProcessor;
}

let recordNo = 0;
const records = (rows: JsonObject[]) => rows.map((data) => createRecord(data, { id: `r${++recordNo}` }));
const ids = (rs: readonly { meta: { id: string } }[]) => rs.map((r) => r.meta.id);

/** The step state of a store, counting the calls made to it. */
function countingState(store: StateStore, clock: ManualClock) {
  const inner = storeState(store, clock);
  const calls = { get: 0, put: 0, scan: 0, clear: [] as Date[] };
  const state: StepState = {
    get: (ns, keys) => {
      calls.get += 1;
      return inner.get(ns, keys);
    },
    put: (ns, entries) => {
      calls.put += 1;
      return inner.put(ns, entries);
    },
    scan: (ns, after, limit) => {
      calls.scan += 1;
      return inner.scan(ns, after, limit);
    },
    clear: (ns, before) => {
      calls.clear.push(before as Date);
      return inner.clear(ns, before);
    },
  };
  return { state, calls };
}

/** What the engine does with a page's state writes when the page commits. */
async function commitWrites(store: StateStore, writes: readonly StateWrite[] | undefined, at: Date): Promise<void> {
  for (const w of writes ?? []) await store.putState(w.namespace, w.entries, at);
}

describe('dedupe step, within a run', () => {
  it('drops repeats within a page and across pages; the first goes on, and 7 and "7" are one key', async () => {
    const p = await dedupe({ key: 'order_id' });
    const first = records([{ order_id: 'A' }, { order_id: 'B' }, { order_id: 'A' }, { order_id: 7 }]);
    const a = await p.process(first, testContext);
    expect(ids(a.records)).toEqual([first[0], first[1], first[3]].map((r) => r?.meta.id));
    expect(a.failed).toEqual([]);
    expect(a.stats).toEqual({ duplicates: 1 });
    expect(a.commit).toBeUndefined();
    const second = records([{ order_id: '7' }, { order_id: 'B' }, { order_id: 'C' }]);
    const b = await p.process(second, testContext);
    expect(ids(b.records)).toEqual([second[2]?.meta.id]);
    expect(b.stats).toEqual({ duplicates: 2 });
    expect(p.remembered).toBe(4);
  });

  it('keys of several paths, objects by content, and the whole record when `key` is omitted', async () => {
    const several = await dedupe({ key: ['customer.id', 'sku'] });
    const rs = records([
      { customer: { id: 1 }, sku: 'x' },
      { customer: { id: 1 }, sku: 'y' },
      { customer: { id: '1' }, sku: 'x' },
      { customer: { id: 'a,b' }, sku: 'c' },
      { customer: { id: 'a' }, sku: 'b,c' },
    ]);
    expect(ids((await several.process(rs, testContext)).records)).toEqual(ids([rs[0], rs[1], rs[3], rs[4]] as never));

    const byObject = await dedupe({ key: 'address' });
    const os = records([{ address: { a: 1, b: [2, 3] } }, { address: { b: [2, 3], a: 1 } }, { address: { a: 1 } }]);
    expect(ids((await byObject.process(os, testContext)).records)).toEqual(ids([os[0], os[2]] as never));

    const whole = await dedupe({});
    const ws = records([
      { a: 1, b: 2 },
      { b: 2, a: 1 },
      { a: 1, b: 3 },
      { a: 1, b: 2, c: null },
    ]);
    expect(ids((await whole.process(ws, testContext)).records)).toEqual(ids([ws[0], ws[2], ws[3]] as never));
  });

  it('fails a record without its key with RECORD_MISSING_FIELD naming record and field; the others go on', async () => {
    const p = await dedupe({ key: ['order_id', 'line'] });
    const rs = records([
      { order_id: 'A', line: 1 },
      { line: 2 },
      { order_id: '', line: 1 },
      { order_id: null, line: 1 },
      { order_id: 'A', line: 1 },
      { order_id: 'A' },
    ]);
    const result = await p.process(rs, testContext);
    expect(ids(result.records)).toEqual([rs[0]?.meta.id]);
    expect(result.stats).toEqual({ duplicates: 1 });
    expect(
      result.failed.map((f) => [f.record.meta.id, f.error.code, f.error.kind, f.error.field, f.error.message]),
    ).toEqual([
      [
        rs[1]?.meta.id,
        'RECORD_MISSING_FIELD',
        'record',
        'order_id',
        'dedupe key field order_id is missing (key: order_id, line)',
      ],
      [
        rs[2]?.meta.id,
        'RECORD_MISSING_FIELD',
        'record',
        'order_id',
        'dedupe key field order_id is empty (key: order_id, line)',
      ],
      [
        rs[3]?.meta.id,
        'RECORD_MISSING_FIELD',
        'record',
        'order_id',
        'dedupe key field order_id is null (key: order_id, line)',
      ],
      [
        rs[5]?.meta.id,
        'RECORD_MISSING_FIELD',
        'record',
        'line',
        'dedupe key field line is missing (key: order_id, line)',
      ],
    ]);
    expect(result.failed[0]?.error.where).toBe(`${WHERE} record ${rs[1]?.meta.id}`);
    expect(result.failed[0]?.error.hint).toContain('Fill order_id at the source');
  });

  it('refuses a configuration that cannot work, before anything runs', async () => {
    const problems = (config: unknown) => {
      const parsed = dedupeConfigSchema.safeParse(config);
      return parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    };
    expect(problems({})).toEqual([]);
    expect(dedupeConfigSchema.parse({})).toEqual({ keep: 'first' });
    expect(problems({ key: 'id', keep: 'last' })).toEqual([expect.stringMatching(/^keep: only `first` is supported/)]);
    expect(problems({ key: 'id', window: '0s' })).toEqual([expect.stringMatching(/^window: a window longer than 0/)]);
    expect(problems({ key: 'id', window: 'a week' })).toHaveLength(1);
    expect(problems({ key: [] })).toHaveLength(1);
    expect(problems({ keys: ['id'] })).toHaveLength(1);
    const error = await dedupe({ key: ['id', 'lines[0'] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect((error as FlowError).code).toBe('CONFIG_INVALID');
    expect((error as FlowError).message).toBe(`${WHERE}: key[1] "lines[0": unclosed "[" at position 6`);
  });
});

describe('dedupe step, across runs (window, state store)', () => {
  async function withStore() {
    const store = await openStore(':memory:');
    const clock = new ManualClock(Date.UTC(2026, 4, 1));
    const { state, calls } = countingState(store, clock);
    const ctx: Context = { ...testContext, flow: 'orders', clock, state };
    return { store, clock, ctx, calls };
  }

  it('asks the store once per page, drops keys passed within the window, commits the ones it lets through, purges expired keys once per run', async () => {
    const { store, clock, ctx, calls } = await withStore();
    const ns = 'dedupe:orders:["order_id"]';
    await store.putState(ns, [{ key: '["OLD"]', value: 'x' }], new Date(clock.now().getTime() - 8 * DAY));
    await store.putState(ns, [{ key: '["B"]', value: 'y' }], new Date(clock.now().getTime() - DAY));
    const p = await dedupe({ key: 'order_id', window: '7d' }, ctx);
    const rs = records([{ order_id: 'A' }, { order_id: 'B' }, { order_id: 'A' }, { order_id: 'OLD' }]);
    const result = await p.process(rs, ctx);
    expect(ids(result.records)).toEqual(ids([rs[0], rs[3]] as never));
    expect(result.stats).toEqual({ duplicates: 2, storeHits: 1 });
    expect(result.commit).toEqual([
      {
        namespace: ns,
        entries: [
          { key: '["A"]', value: rs[0]?.meta.id },
          { key: '["OLD"]', value: rs[3]?.meta.id },
        ],
      },
    ]);
    expect(calls.clear).toEqual([new Date(clock.now().getTime() - 7 * DAY + 1)]);
    expect(calls.get).toBe(1);
    expect(calls.put).toBe(0); // the engine writes the keys, with the checkpoint
    expect((await store.getState(ns, ['["OLD"]'])).size).toBe(0); // purged (it passed, but is not committed yet)

    clock.advance(DAY);
    await commitWrites(store, result.commit, clock.now());
    const next = await p.process(records([{ order_id: 'C' }, { order_id: 'B' }]), ctx);
    expect(next.stats).toEqual({ duplicates: 1, storeHits: 1 });
    expect([calls.clear.length, calls.get]).toEqual([1, 2]);

    // B passed 1 day before the first page: in later runs it is dropped until 7 days after that, then passes
    clock.advance(5 * DAY - 1);
    const later = await dedupe({ key: 'order_id', window: '7d' }, ctx);
    expect((await later.process(records([{ order_id: 'B' }]), ctx)).records).toHaveLength(0);
    clock.advance(1);
    const after = await dedupe({ key: 'order_id', window: '7d' }, ctx);
    expect((await after.process(records([{ order_id: 'B' }]), ctx)).records).toHaveLength(1);
    await store.close();
  });

  it('stores a long key as its hash, keeping different long keys apart', async () => {
    const { store, ctx } = await withStore();
    const p = await dedupe({ key: 'text', window: '1d' }, ctx);
    const long = 'x'.repeat(500);
    const rs = records([{ text: `${long}1` }, { text: `${long}2` }, { text: `${long}1` }]);
    const result = await p.process(rs, ctx);
    expect(ids(result.records)).toEqual(ids([rs[0], rs[1]] as never));
    const keys = result.commit?.[0]?.entries.map((e) => e.key) ?? [];
    expect(keys).toHaveLength(2);
    for (const k of keys) {
      expect(k.length).toBeLessThanOrEqual(MAX_KEY_LENGTH);
      expect(k).toMatch(/^sha256:/);
    }
    await store.close();
  });

  it('holds in memory only the keys of pages not yet committed; committed ones are found in the store', async () => {
    const { store, clock, ctx } = await withStore();
    const p = await dedupe({ key: 'n', window: '1d' }, ctx);
    const unbounded = await dedupe({ key: 'n' }, ctx);
    const pending: (readonly StateWrite[] | undefined)[] = [];
    const reference = new Set<number>();
    let passed = 0;
    let expected = 0;
    for (let page = 0; page < 40; page++) {
      // 100 keys a page; from page 11 on, every odd page repeats the keys of the page 9 pages before it
      // (committed by then); and the first 10 records repeat keys of the page before (not committed yet)
      const base = page % 2 === 1 && page > 10 ? (page - 9) * 100 : page * 100;
      const ns = Array.from({ length: 100 }, (_, i) => (page > 0 && i < 10 ? (page - 1) * 100 + 50 + i : base + i));
      for (const n of ns) {
        if (!reference.has(n)) expected += 1;
        reference.add(n);
      }
      const rs = records(ns.map((n) => ({ n })));
      const result = await p.process(rs, ctx);
      await unbounded.process(rs, ctx);
      passed += result.records.length;
      pending.push(result.commit);
      // the engine commits a page while later ones go through the steps: here 2 pages behind
      if (pending.length > 2) await commitWrites(store, pending.shift(), clock.now());
      expect(p.remembered).toBeLessThanOrEqual(300);
    }
    expect(passed).toBe(expected);
    expect(unbounded.remembered).toBe(expected);
    await store.close();
  });

  it('without a window, asks nothing of the store and commits nothing', async () => {
    const { store, ctx, calls } = await withStore();
    const p = await dedupe({ key: 'order_id' }, ctx);
    const result = await p.process(records([{ order_id: 'A' }, { order_id: 'A' }]), ctx);
    expect(result.records).toHaveLength(1);
    expect(result.commit).toBeUndefined();
    expect(result.stats).toEqual({ duplicates: 1 });
    expect(calls).toEqual({ get: 0, put: 0, scan: 0, clear: [] });
    await store.close();
  });
});

/** 30 orders in pages of 10: rows 21–30 repeat the order numbers of rows 1–10. */
const orders = (n = 30, every = 20): JsonObject[] =>
  Array.from({ length: n }, (_, i) => ({ id: i + 1, order_id: `O${(i % every) + 1}` }));

function project(config: JsonObject, options: { pages?: number; pageSize?: number } = {}): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'f.yaml:1:1',
    source: {
      connection: 'mem',
      type: 'memory.rows',
      config: { pageSize: options.pageSize ?? 10 },
      where: 'f.yaml:2:1',
    },
    steps: [{ name: 'dedupe', type: 'dedupe', config: dedupeConfigSchema.parse(config), where: 'f.yaml:3:9' }],
    destinations: [
      {
        name: 'out',
        connection: 'mem',
        type: 'memory.table',
        config: { table: 't' },
        batch: { size: 4 },
        where: 'f.yaml:4:1',
      },
    ],
    ...(options.pages ? { concurrency: { pages: options.pages } } : {}),
  };
  return {
    file: '/tmp/f.yaml',
    baseDir: '/tmp',
    connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'f.yaml:1:1' } },
    flows: { f: flow },
  };
}

async function setup(world: MemoryWorld, wrap: (store: StateStore) => StateStore = (s) => s) {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-dedupe-'));
  const store = await openStore(join(dir, 'state.db'));
  const clock = new ManualClock(Date.UTC(2026, 4, 1));
  const engine = createEngine({
    connectors: [memoryConnector(world)],
    steps: [dedupeStep, checkStep, countStep],
    store: wrap(store),
    clock,
    retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 },
  });
  return { store, engine, clock };
}

const NS = 'dedupe:f:["order_id"]';
const storedKeys = async (store: StateStore) => (await store.scanState(NS, undefined, 1000)).length;
const tableIds = (world: MemoryWorld) => [...(world.tables.get('t')?.keys() ?? [])].map(Number).sort((a, b) => a - b);
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('dedupe step in runs of the engine (SQLite store)', () => {
  it('a repeat run within the window drops every record; after the window the keys pass again', async () => {
    const world = memoryWorld(orders());
    const { store, engine, clock } = await setup(world);
    const p = project({ key: 'order_id', window: '7d' });
    const first = await engine.run(p, 'f', { trigger: 'cli' });
    expect(first.status).toBe('succeeded');
    expect(first.counts.written).toBe(20);
    expect(first.counts.steps.dedupe).toMatchObject({ in: 30, out: 20, skipped: 10, stats: { duplicates: 10 } });
    expect(tableIds(world)).toEqual(range(1, 20));
    expect(await storedKeys(store)).toBe(20);

    clock.advance(6 * DAY);
    const repeat = await engine.run(p, 'f', { trigger: 'cli' });
    expect(repeat.status).toBe('succeeded');
    expect(repeat.counts.written).toBe(0);
    expect(repeat.counts.steps.dedupe).toMatchObject({
      in: 30,
      out: 0,
      skipped: 30,
      stats: { duplicates: 30, storeHits: 30 },
    });

    clock.advance(DAY);
    const later = await engine.run(p, 'f', { trigger: 'cli' });
    expect(later.counts.written).toBe(20);
    expect(later.counts.steps.dedupe).toMatchObject({ out: 20, skipped: 10 });
    await store.close();
  });

  it('a page whose write failed passes again when the run resumes; keys of the pages committed before still count', async () => {
    const world = memoryWorld(orders());
    world.beforeWrite = (rows) => {
      if (rows.some((r) => r.id === 15)) throw new FlowError('SQL_ERROR', 'the destination went away');
    };
    const { store, engine } = await setup(world);
    const p = project({ key: 'order_id', window: '7d' });
    const failed = await engine.run(p, 'f', { trigger: 'cli' });
    expect(failed.status).toBe('failed');
    expect((await store.getCheckpoint('f'))?.checkpoint).toBe(10);
    expect(await storedKeys(store)).toBe(10); // page 2's keys went with its (missing) commit
    expect(tableIds(world)).not.toContain(15);

    world.beforeWrite = undefined;
    const resumed = await engine.run(p, 'f', { trigger: 'cli' });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resumedFrom).toBe(failed.id);
    // page 2 (O11–O20) passes again; page 3 repeats O1–O10, committed by the failed run
    expect(resumed.counts.steps.dedupe).toMatchObject({ in: 20, out: 10, skipped: 10, stats: { storeHits: 10 } });
    expect(tableIds(world)).toEqual(range(1, 20));
    expect(await storedKeys(store)).toBe(20);
    await store.close();
  });

  it('a crash after the page was written but before its commit: the retried page is not taken for duplicates', async () => {
    const world = memoryWorld(orders());
    let crash = true;
    const { store, engine } = await setup(world, (s) => ({
      ...s,
      async commitPage(commit) {
        if (crash && commit.checkpoint === 20) {
          crash = false;
          throw new FlowError('INTERNAL', 'the process died before the commit');
        }
        return s.commitPage(commit);
      },
    }));
    const p = project({ key: 'order_id', window: '7d' });
    const failed = await engine.run(p, 'f', { trigger: 'cli' });
    expect(failed.status).toBe('failed');
    expect(tableIds(world)).toEqual(range(1, 20)); // page 2 was written
    expect(await storedKeys(store)).toBe(10);

    const resumed = await engine.run(p, 'f', { trigger: 'cli' });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.counts.steps.dedupe).toMatchObject({ in: 20, out: 10, skipped: 10 });
    expect(resumed.counts.written).toBe(10); // page 2 again (an upsert: no duplicate rows)
    expect(await storedKeys(store)).toBe(20);

    const again = await engine.run(p, 'f', { trigger: 'cli' });
    expect(again.counts.steps.dedupe).toMatchObject({ in: 30, out: 0, skipped: 30 });
    await store.close();
  });

  it('before a buffering step, keys wait for the page that commits a checkpoint: a crash before it forgets them', async () => {
    const world = memoryWorld(orders());
    let crash = true;
    const { store, engine } = await setup(world, (s) => ({
      ...s,
      async commitPage(commit) {
        // the flushed page is the first to carry a checkpoint: the process dies before it commits
        if (crash && commit.checkpoint !== undefined) {
          crash = false;
          throw new FlowError('INTERNAL', 'the process died before the commit');
        }
        return s.commitPage(commit);
      },
    }));
    const p = project({ key: 'order_id', window: '7d' });
    const flow = p.flows.f as FlowDefinition;
    const counted: ProjectDefinition = {
      ...p,
      flows: {
        f: { ...flow, steps: [...flow.steps, { name: 'count', type: 'count', config: {}, where: 'f.yaml:4:9' }] },
      },
    };
    const failed = await engine.run(counted, 'f', { trigger: 'cli' });
    expect(failed.status).toBe('failed');
    expect(await storedKeys(store)).toBe(0); // held with the pages that committed no checkpoint
    const resumed = await engine.run(counted, 'f', { trigger: 'cli' });
    expect(resumed.status).toBe('succeeded');
    expect(world.tables.get('t')?.get('total')).toMatchObject({ count: 20 });
    expect(await storedKeys(store)).toBe(20);
    await store.close();
  });

  it('with four pages written at once, exactly the first record of each key reaches the destination', async () => {
    // keys that come back 230 records later, and every third record repeating the one 10 records before it
    const rows: { id: number; order_id: string }[] = [];
    for (let i = 0; i < 600; i++) {
      const earlier = rows[i - 10];
      rows.push({ id: i + 1, order_id: i % 3 === 2 && earlier ? earlier.order_id : `O${(i * 7919) % 230}` });
    }
    const firsts = new Map<string, number>();
    for (const r of rows) if (!firsts.has(r.order_id)) firsts.set(r.order_id, r.id);
    const world = memoryWorld(rows);
    const { store, engine } = await setup(world);
    const p = project({ key: 'order_id', window: '1d' }, { pages: 4, pageSize: 7 });
    const run = await engine.run(p, 'f', { trigger: 'cli' });
    expect(run.status).toBe('succeeded');
    expect(tableIds(world)).toEqual([...firsts.values()].sort((a, b) => a - b));
    expect(run.counts.steps.dedupe).toMatchObject({ out: firsts.size, skipped: 600 - firsts.size });
    expect(await storedKeys(store)).toBe(firsts.size);
    await store.close();
  });

  it('preview drops repeats among the records it reads only: it neither reads nor writes the store', async () => {
    const world = memoryWorld(orders());
    const { store, engine } = await setup(world);
    const p = project({ key: 'order_id', window: '7d' });
    await engine.run(p, 'f', { trigger: 'cli' });
    const preview = await engine.preview(p, 'f', 25);
    expect(preview.rows.slice(0, 20).every((r) => r.output !== null)).toBe(true);
    expect(preview.rows.slice(20).map((r) => r.droppedBy)).toEqual(Array(5).fill('dedupe'));
    expect(await storedKeys(store)).toBe(20);
    await store.close();
  });

  it('the example of docs/steps.md is a valid configuration', () => {
    const doc = readFileSync(new URL('../../docs/steps.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('\n## dedupe'));
    const yaml = /```yaml\n([\s\S]*?)```/.exec(section)?.[1];
    const steps = (parseYaml(yaml ?? '') as { steps: { dedupe?: unknown }[] }).steps;
    const configs = steps.filter((s) => 'dedupe' in s).map((s) => s.dedupe);
    expect(configs.length).toBeGreaterThan(0);
    for (const c of configs) expect(dedupeConfigSchema.safeParse(c ?? {}).error).toBeUndefined();
  });
});
