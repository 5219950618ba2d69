import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import { autoRetry } from '../../test/helpers/pipeline.js';
import type {
  BreakerSettings,
  DestinationDefinition,
  FlowDefinition,
  ProjectDefinition,
  RetrySettings,
} from '../config/definition.js';
import {
  type Clock,
  defineConnector,
  defineDestination,
  defineStep,
  FlowError,
  type JsonObject,
  ManualClock,
} from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { createEngine } from './engine.js';
import { outagePolicy } from './open-flow.js';

/**
 * Hub-and-spoke: one source, transformed once, written to several destinations (spokes). A spoke
 * that is down keeps its records as its own error records; the others, and the checkpoint, go on.
 */

/** Destinations over in-process tables, each of which can be taken down on its own. */
interface Spokes {
  /** table → id → the record last accepted. */
  readonly tables: Map<string, Map<string, JsonObject>>;
  /** table → id → how many times it was accepted (duplicates show here). */
  readonly deliveries: Map<string, Map<string, number>>;
  /** table → write calls made (accepted or not). */
  readonly calls: Map<string, number>;
  /** table → the error its writes throw while it is down. */
  readonly down: Map<string, () => FlowError>;
  /** table → the error opening it throws while it cannot be opened (down when the run starts). */
  readonly unopenable: Map<string, () => FlowError>;
  /** table → open calls made (succeeded or not). */
  readonly opens: Map<string, number>;
}

function spokes(): Spokes {
  return {
    tables: new Map(),
    deliveries: new Map(),
    calls: new Map(),
    down: new Map(),
    unopenable: new Map(),
    opens: new Map(),
  };
}

const outage = () => new FlowError('TRANSIENT_IO', 'POST /items answered 503 Service Unavailable');

const spokeConfig = z.object({ table: z.string() }).strict();

function spokesConnector(world: Spokes) {
  return defineConnector({
    name: 'spokes',
    description: 'destinations that can be taken down one by one (tests)',
    connection: z.object({}).strict(),
    open: () => world,
    check: async () => undefined,
    close: async () => undefined,
    destinations: [
      defineDestination<z.infer<typeof spokeConfig>, Spokes>({
        type: 'table',
        description: 'upsert by id',
        config: spokeConfig,
        async open({ config, connection }) {
          connection.opens.set(config.table, (connection.opens.get(config.table) ?? 0) + 1);
          const unopenable = connection.unopenable.get(config.table);
          if (unopenable) throw unopenable();
          return {
            async write(records) {
              connection.calls.set(config.table, (connection.calls.get(config.table) ?? 0) + 1);
              const down = connection.down.get(config.table);
              if (down) throw down();
              const table = connection.tables.get(config.table) ?? new Map<string, JsonObject>();
              connection.tables.set(config.table, table);
              const counted = connection.deliveries.get(config.table) ?? new Map<string, number>();
              connection.deliveries.set(config.table, counted);
              for (const r of records) {
                const id = String(r.data.id);
                table.set(id, r.data);
                counted.set(id, (counted.get(id) ?? 0) + 1);
              }
              return { rejected: [] };
            },
            async close() {},
          };
        },
      }),
    ],
  });
}

/** Counts the records it transforms (each must be transformed once, whatever the number of spokes); may sleep per page. */
function tallyStep(seen: { records: number; pages: number }, sleepMs = 0) {
  return defineStep({
    type: 'tally',
    description: 'test step: adds `seen: true`',
    config: z.object({}).strict(),
    create: () => ({
      async process(records, ctx) {
        seen.records += records.length;
        seen.pages += 1;
        if (sleepMs > 0) await ctx.clock.sleep(sleepMs);
        return { records: records.map((r) => ({ ...r, data: { ...r.data, seen: true } })), failed: [] };
      },
    }),
  });
}

const rows = (n: number): JsonObject[] => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

interface SpokeOptions {
  onOutage?: 'isolate' | 'pause';
  breaker?: BreakerSettings;
}

function project(
  options: {
    pageSize?: number;
    retry?: RetrySettings;
    crm?: SpokeOptions;
    warehouse?: SpokeOptions;
    single?: boolean;
    autoRetry?: boolean;
  } = {},
): ProjectDefinition {
  const spoke = (name: string, o: SpokeOptions = {}): DestinationDefinition => ({
    name,
    connection: name,
    type: 'spokes.table',
    config: { table: name },
    batch: { size: 10 },
    ...(o.onOutage ? { onOutage: o.onOutage } : {}),
    where: `test.yaml:${name}`,
  });
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    retry: options.retry ?? { maxAttempts: 2, base: 1, max: 1 },
    ...(options.autoRetry === false ? { autoRetry: { enabled: false } } : {}),
    source: {
      connection: 'src',
      type: 'memory.rows',
      config: { pageSize: options.pageSize ?? 10 },
      where: 'test.yaml:2:1',
    },
    steps: [{ name: 'tally', type: 'tally', config: {}, where: 'test.yaml:3:1' }],
    destinations: options.single
      ? [spoke('crm', options.crm)]
      : [spoke('crm', options.crm), spoke('warehouse', options.warehouse)],
  };
  const connection = (name: string, breaker?: BreakerSettings) => ({
    name,
    type: 'spokes',
    config: {},
    ...(breaker ? { breaker } : {}),
    where: 'x',
  });
  return {
    file: '/tmp/hub.yaml',
    baseDir: '/tmp',
    connections: {
      src: { name: 'src', type: 'memory', config: {}, where: 'x' },
      crm: connection('crm', options.crm?.breaker),
      warehouse: connection('warehouse', options.warehouse?.breaker),
    },
    flows: { f: flow },
  };
}

async function setup(n: number, sleepMs = 0, clock?: Clock) {
  const world = spokes();
  const seen = { records: 0, pages: 0 };
  const store = await openStore(':memory:');
  const engine = createEngine({
    connectors: [memoryConnector(memoryWorld(rows(n))), spokesConnector(world)],
    steps: [tallyStep(seen, sleepMs)],
    store,
    ...(clock ? { clock } : {}),
  });
  return { world, seen, store, engine };
}

const ids = (n: number) => Array.from({ length: n }, (_, i) => String(i + 1));
const sorted = (xs: Iterable<string>) => [...xs].sort((a, b) => Number(a) - Number(b));
const spokeErrors = (store: StateStore, name: string) =>
  store.listErrors({ flow: 'f', stage: { kind: 'destination', name }, limit: 100_000 });

describe('hub-and-spoke: a spoke that is down holds no other', () => {
  it('defaults to isolate with several destinations and to pause with one; onOutage decides', () => {
    const flow = project().flows.f as FlowDefinition;
    const [crm, warehouse] = flow.destinations as [DestinationDefinition, DestinationDefinition];
    expect(outagePolicy(crm, flow)).toBe('isolate');
    expect(outagePolicy({ ...crm, onOutage: 'pause' }, flow)).toBe('pause');
    const single = { ...flow, destinations: [warehouse] };
    expect(outagePolicy(warehouse, single)).toBe('pause');
    expect(outagePolicy({ ...warehouse, onOutage: 'isolate' }, single)).toBe('isolate');
  });

  it('isolates the down spoke: the other gets every record, the down one’s records are its error records, the checkpoint moves', async () => {
    const { world, seen, store, engine } = await setup(100);
    world.down.set('crm', outage);
    // openFor 1h: the circuit stays open for the rest of the run, however slow the machine
    const p = project({ crm: { breaker: { failures: 5, openFor: '1h' } } });
    const run = await engine.run(p, 'f', { trigger: 'cli' });

    expect(run.error).toBeNull();
    expect(run.status).toBe('completed_with_errors');
    expect(run.pages).toBe(10);
    expect(seen.records).toBe(100); // transformed once for both spokes
    expect(sorted(world.tables.get('warehouse')?.keys() ?? [])).toEqual(ids(100));
    expect(world.tables.get('warehouse')?.get('7')).toEqual({ id: 7, seen: true });
    expect(run.counts.destinations.warehouse).toMatchObject({ in: 100, out: 100, failed: 0 });
    expect(run.counts.destinations.crm).toMatchObject({ in: 100, out: 0, failed: 100 });
    expect(run.counts).toMatchObject({ read: 100, written: 100, failed: 100 });
    expect(await store.getCheckpoint('f')).toBeUndefined(); // completed: nothing left to resume

    const errors = await spokeErrors(store, 'crm');
    expect(errors).toHaveLength(100);
    expect(await store.countErrors({ flow: 'f', stage: { kind: 'destination', name: 'warehouse' } })).toBe(0);
    expect(errors.every((e) => e.kind === 'transient' && e.status === 'open')).toBe(true);
    expect(errors.find((e) => e.recordId === '7')?.payload).toEqual({ id: 7, seen: true });
    // the first batches spent their retries (2 attempts each) until the 5th failure opened the circuit;
    // from then on each batch was refused at once
    const first = errors.find((e) => e.recordId === '1');
    expect(first?.code).toBe('TRANSIENT_IO');
    expect(first?.message).toContain(
      'flow f/destination crm: the destination is unavailable: POST /items answered 503',
    );
    expect(first?.message).toContain('to be retried there once it is back');
    expect(first?.hint).toContain("once the destination is back, retry this destination's error records");
    expect(first?.hint).toContain("While the service runs, it retries them on the flow's autoRetry schedule");
    const last = errors.find((e) => e.recordId === '100');
    expect(last?.code).toBe('CIRCUIT_OPEN');
    expect(last?.message).toContain('the circuit of connection crm is open until');
    expect(last?.message).toContain('so the batch was not sent');
    expect(world.calls.get('crm')).toBe(5);
    await store.close();
  });

  it('retries the down spoke’s records at that spoke only once it is back: no duplicates at the other', async () => {
    const clock = new ManualClock();
    const { world, store, engine } = await setup(50, 0, clock);
    world.down.set('crm', outage);
    const p = project({ crm: { breaker: { failures: 2, openFor: 100 } } });
    expect((await clock.drive(engine.run(p, 'f', { trigger: 'cli' }))).status).toBe('completed_with_errors');
    expect(await spokeErrors(store, 'crm')).toHaveLength(50);
    const warehouseCalls = world.calls.get('warehouse');

    // still down: an automatic round fails fast (the circuit is open) and keeps the records open
    const early = await clock.drive(autoRetry(engine, p, 'f', { maxAttempts: 5 }));
    expect(early).toEqual({ tried: 50, delivered: 0 });
    const stillOpen = await spokeErrors(store, 'crm');
    expect(stillOpen.every((e) => e.status === 'open' && e.attempts === 2)).toBe(true);

    world.down.delete('crm');
    clock.advance(100); // the circuit half-opens
    const round = await clock.drive(autoRetry(engine, p, 'f', { maxAttempts: 5 }));
    expect(round).toEqual({ tried: 50, delivered: 50 });
    expect(sorted(world.tables.get('crm')?.keys() ?? [])).toEqual(ids(50));
    expect(world.tables.get('crm')?.get('3')).toEqual({ id: 3, seen: true });
    expect(world.calls.get('warehouse')).toBe(warehouseCalls);
    expect([...(world.deliveries.get('warehouse')?.values() ?? [])].every((n) => n === 1)).toBe(true);
    expect(world.deliveries.get('warehouse')?.size).toBe(50);
    expect((await spokeErrors(store, 'crm')).every((e) => e.status === 'retried')).toBe(true);
    expect((await store.listBreakers()).find((b) => b.name === 'crm')?.state).toBe('closed');
    await store.close();
  });

  it('fails fast while the circuit is open: 200 pages with the spoke down cost little time', async () => {
    const { world, store, engine } = await setup(2000);
    world.down.set('crm', outage);
    // without the fail-fast each batch would spend 3 attempts and 100 + 200 ms of backoff (60 s in all),
    // or wait for the circuit to half-open (openFor 10 s is within the default maxWait of 1 m)
    const p = project({
      retry: { maxAttempts: 3, base: 100, max: 1000 },
      crm: { breaker: { failures: 2, openFor: '10s' } },
    });
    const started = performance.now();
    const run = await engine.run(p, 'f', { trigger: 'cli' });
    const took = performance.now() - started;
    expect(run.status).toBe('completed_with_errors');
    expect(run.pages).toBe(200);
    expect(world.tables.get('warehouse')?.size).toBe(2000);
    expect(run.counts.destinations.crm).toMatchObject({ out: 0, failed: 2000 });
    // two failing calls opened the circuit (1st batch, after one retry); no other batch reached the spoke
    expect(world.calls.get('crm')).toBe(2);
    expect(took).toBeLessThan(5000);
    const errors = await spokeErrors(store, 'crm');
    expect(errors.filter((e) => e.code === 'CIRCUIT_OPEN')).toHaveLength(1990);
    const first = errors.find((e) => e.recordId === '1');
    expect(first?.code).toBe('TRANSIENT_IO');
    expect(first?.message).toMatch(
      /503 Service Unavailable \(after retrying, and then the circuit of connection crm is open until/,
    );
    await store.close();
  });

  it('a spoke resumes on later pages once its circuit half-opens and a probe succeeds', async () => {
    const clock = new ManualClock();
    const { world, store, engine } = await setup(600, 10, clock); // 60 pages, 10 ms each on the clock
    let downSince: number | undefined;
    world.down.set('crm', () => {
      const now = clock.now().getTime();
      downSince ??= now;
      if (now - downSince > 150) world.down.delete('crm'); // back after this last refusal
      return outage();
    });
    const p = project({ retry: { maxAttempts: 1 }, crm: { breaker: { failures: 1, openFor: 50 } } });
    const run = await clock.drive(engine.run(p, 'f', { trigger: 'cli' }));
    expect(run.status).toBe('completed_with_errors');
    expect(world.tables.get('warehouse')?.size).toBe(600);
    const delivered = new Set(world.tables.get('crm')?.keys() ?? []);
    const failed = (await spokeErrors(store, 'crm')).map((e) => e.recordId);
    expect(failed.length).toBeGreaterThan(0);
    expect(delivered.size).toBeGreaterThan(0);
    expect(delivered.has('600')).toBe(true); // the later pages reached the spoke again
    expect(sorted([...delivered, ...failed])).toEqual(ids(600)); // each record either delivered or kept
    expect(run.counts.destinations.crm).toMatchObject({ out: delivered.size, failed: failed.length });
    expect((await store.listBreakers()).find((b) => b.name === 'crm')?.state).toBe('closed');
    await store.close();
  });

  it('onOutage: pause on a spoke keeps the breaker wait: the run pauses with its checkpoint kept', async () => {
    const { world, store, engine } = await setup(100);
    world.down.set('crm', outage);
    const p = project({ crm: { onOutage: 'pause', breaker: { failures: 2, openFor: '1h', maxWait: 100 } } });
    const run = await engine.run(p, 'f', { trigger: 'cli' });
    expect(run.status).toBe('paused');
    expect(run.error?.code).toBe('PAUSED');
    expect(run.counts.failed).toBe(0);
    expect(await store.getCheckpoint('f')).toBeUndefined(); // the first page never committed
    expect(await store.countErrors({ flow: 'f' })).toBe(0);
    await store.close();
  });

  it('one destination pauses by default; onOutage: isolate makes it keep the records and complete', async () => {
    const paused = await setup(30);
    paused.world.down.set('crm', outage);
    const breaker = { failures: 2, openFor: '1h', maxWait: 100 };
    const run = await paused.engine.run(project({ single: true, crm: { breaker } }), 'f', { trigger: 'cli' });
    expect(run.status).toBe('paused');
    await paused.store.close();

    const isolated = await setup(30);
    isolated.world.down.set('crm', outage);
    const done = await isolated.engine.run(project({ single: true, crm: { onOutage: 'isolate', breaker } }), 'f', {
      trigger: 'cli',
    });
    expect(done.status).toBe('completed_with_errors');
    expect(done.counts.destinations.crm).toMatchObject({ out: 0, failed: 30 });
    expect(await spokeErrors(isolated.store, 'crm')).toHaveLength(30);
    await isolated.store.close();
  });

  it('isolates without a breaker too, after the retry schedule', async () => {
    const { world, store, engine } = await setup(30);
    world.down.set('crm', outage);
    const run = await engine.run(project({ crm: { breaker: { enabled: false } } }), 'f', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect(world.calls.get('crm')).toBe(6); // 3 batches × 2 attempts
    expect(world.tables.get('warehouse')?.size).toBe(30);
    expect(await spokeErrors(store, 'crm')).toHaveLength(30);
    await store.close();
  });

  it('a config error at one spoke still fails the run, keeping the checkpoint', async () => {
    const { world, store, engine } = await setup(100);
    world.down.set(
      'crm',
      () => new FlowError('HTTP_AUTH', 'POST /items answered 401 Unauthorized', { kind: 'config' }),
    );
    const run = await engine.run(project(), 'f', { trigger: 'cli' });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('HTTP_AUTH');
    expect(run.pages).toBe(0);
    expect(await store.getCheckpoint('f')).toBeUndefined();
    expect(await store.countErrors({ flow: 'f' })).toBe(0);
    await store.close();
  });
});

const refused = () =>
  new FlowError('TRANSIENT_IO', 'cannot reach spokes 127.0.0.1:9: connect ECONNREFUSED', { kind: 'transient' });

describe('hub-and-spoke: a spoke that is down when the run starts', () => {
  it('is isolated from the first page: the other spoke gets every record, the down one’s are transient error records', async () => {
    const { world, store, engine } = await setup(100);
    world.unopenable.set('crm', refused);
    const run = await engine.run(project({ crm: { breaker: { failures: 3, openFor: '1h' } } }), 'f', {
      trigger: 'cli',
    });

    expect(run.error).toBeNull();
    expect(run.status).toBe('completed_with_errors');
    expect(run.pages).toBe(10);
    expect(sorted(world.tables.get('warehouse')?.keys() ?? [])).toEqual(ids(100));
    expect(run.counts.destinations.crm).toMatchObject({ in: 100, out: 0, failed: 100 });
    expect(await store.getCheckpoint('f')).toBeUndefined(); // completed
    const errors = await spokeErrors(store, 'crm');
    expect(errors).toHaveLength(100);
    expect(errors.every((e) => e.kind === 'transient' && e.status === 'open')).toBe(true);
    expect(errors.find((e) => e.recordId === '1')?.message).toContain('connect ECONNREFUSED');
    expect(errors.find((e) => e.recordId === '100')?.code).toBe('CIRCUIT_OPEN');
    // the start, then one try per attempt until the breaker opened (3 failures); no more afterwards
    expect(world.opens.get('crm')).toBe(4);
    expect(world.calls.get('crm')).toBeUndefined();
    await store.close();
  });

  it('is opened again at later writes: once it is back, the later pages reach it and the rest can be retried', async () => {
    const { world, store, engine } = await setup(60, 5); // 6 pages
    let refusals = 0;
    world.unopenable.set('crm', () => {
      if (++refusals >= 2) world.unopenable.delete('crm'); // the start and the 1st page are refused
      return refused();
    });
    const p = project({ retry: { maxAttempts: 1 }, crm: { breaker: { enabled: false } } });
    const run = await engine.run(p, 'f', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect(world.tables.get('warehouse')?.size).toBe(60);
    const failed = (await spokeErrors(store, 'crm')).map((e) => e.recordId);
    expect(failed).toHaveLength(10); // the first page's batch
    expect(sorted(world.tables.get('crm')?.keys() ?? [])).toEqual(ids(60).slice(10));
    expect(world.opens.get('crm')).toBe(3);

    const round = await autoRetry(engine, p, 'f', { maxAttempts: 5 });
    expect(round).toEqual({ tried: 10, delivered: 10 });
    expect(sorted(world.tables.get('crm')?.keys() ?? [])).toEqual(ids(60));
    expect([...(world.deliveries.get('warehouse')?.values() ?? [])].every((n) => n === 1)).toBe(true);
    await store.close();
  });

  it('says truthfully who retries: with autoRetry off, nobody on their own', async () => {
    const { world, store, engine } = await setup(10);
    world.unopenable.set('crm', refused);
    const run = await engine.run(project({ autoRetry: false, crm: { breaker: { enabled: false } } }), 'f', {
      trigger: 'cli',
    });
    expect(run.status).toBe('completed_with_errors');
    const [error] = await spokeErrors(store, 'crm');
    expect(error?.hint).toBe(
      "The flow's autoRetry is off, so nothing retries them on its own: once the destination is back, retry this destination's error records.",
    );
    await store.close();
  });

  it('onOutage: pause: the run pauses (checkpoint kept) instead of failing', async () => {
    const { world, store, engine } = await setup(30);
    world.unopenable.set('crm', refused);
    const p = project({ crm: { onOutage: 'pause', breaker: { failures: 2, openFor: '1h', maxWait: 100 } } });
    const run = await engine.run(p, 'f', { trigger: 'cli' });
    expect(run.status).toBe('paused');
    expect(run.error?.code).toBe('PAUSED');
    expect(run.error?.message).toContain('connect ECONNREFUSED');
    expect(await store.countErrors({ flow: 'f' })).toBe(0);
    await store.close();
  });

  it('a configuration error when opening a spoke still fails the run before anything is read', async () => {
    const { world, seen, store, engine } = await setup(30);
    world.unopenable.set('crm', () => new FlowError('CONFIG_INVALID', 'table crm does not exist', { kind: 'config' }));
    const run = await engine.run(project(), 'f', { trigger: 'cli' });
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('CONFIG_INVALID');
    expect(seen.records).toBe(0);
    expect(world.tables.get('warehouse')).toBeUndefined();
    await store.close();
  });
});
