import { describe, expect, it } from 'vitest';
import {
  checkStep,
  countStep,
  type MemoryWorld,
  memoryConnector,
  memoryWorld,
} from '../../test/helpers/memory-connector.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { FlowError, type JsonObject, stageText } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { createEngine } from './engine.js';

function rows(n: number, extra: (i: number) => JsonObject | Record<string, never> = () => ({})): JsonObject[] {
  return Array.from({ length: n }, (_, i) => ({ id: i + 1, name: `r${i + 1}`, ...extra(i + 1) }));
}

function project(destConfig: JsonObject = { table: 't' }, steps = true, pageSize = 10): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    source: { connection: 'mem', type: 'memory.rows', config: { pageSize }, where: 'test.yaml:2:1' },
    steps: steps ? [{ name: 'check', type: 'check', config: {}, where: 'test.yaml:3:1' }] : [],
    destinations: [
      {
        name: 'out',
        connection: 'mem',
        type: 'memory.table',
        config: destConfig,
        batch: { size: 4 },
        where: 'test.yaml:4:1',
      },
    ],
  };
  return {
    file: '/tmp/test.yaml',
    baseDir: '/tmp',
    connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'test.yaml:1:1' } },
    flows: { f: flow },
  };
}

async function setup(world: MemoryWorld) {
  const store = await openStore(':memory:');
  const engine = createEngine({
    connectors: [memoryConnector(world)],
    steps: [checkStep, countStep],
    store,
    retry: { maxAttempts: 3, baseMs: 1, maxMs: 2 },
  });
  return { store, engine };
}

async function errorsOf(store: StateStore) {
  return store.listErrors({ flow: 'f' });
}

describe('runFlow', () => {
  it('streams every page to the destination and counts each stage', async () => {
    const world = memoryWorld(rows(95, (i): JsonObject => (i % 10 === 0 ? { drop: true } : {})));
    const { store, engine } = await setup(world);
    const run = await engine.run(project(), 'f', { trigger: 'cli' });
    expect(run.status).toBe('succeeded');
    expect(run.pages).toBe(10);
    expect(run.counts.read).toBe(95);
    expect(run.counts.steps.check).toEqual({ in: 95, out: 86, failed: 0, skipped: 9, ms: expect.any(Number) });
    expect(run.counts.destinations.out).toEqual({ in: 86, out: 86, failed: 0, skipped: 0, ms: expect.any(Number) });
    expect(world.tables.get('t')?.size).toBe(86);
    expect(await store.getCheckpoint('f')).toBeUndefined();
    expect((await store.listPages(run.id)).map((p) => p.checkpoint)).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 95]);
    await store.close();
  });

  it('keeps the ids a destination returns: counted per destination, stored per page with the source record', async () => {
    const world = memoryWorld(rows(25, (i): JsonObject => (i === 7 ? { forbidden: 1 } : {})));
    const { store, engine } = await setup(world);
    const run = await engine.run(project({ table: 't', rejectWhen: 'forbidden', idPrefix: 'x-' }, false), 'f', {
      trigger: 'cli',
    });
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.destinations.out).toMatchObject({ in: 25, out: 24, failed: 1, ids: 24 });
    expect((await store.getRun(run.id))?.counts.destinations.out?.ids).toBe(24);
    const ids = await store.listReturnedIds({ runId: run.id, limit: 100 });
    expect(ids.map((r) => [r.seq, r.recordId, r.id])).toEqual(
      rows(25)
        .filter((r) => r.id !== 7)
        .map((r) => [Math.ceil(Number(r.id) / 10), String(r.id), `x-${r.id}`]),
    );
    expect(ids[0]).toMatchObject({ flow: 'f', destination: 'out' });
    await store.close();
  });

  it('sends failing records to the error store with stage, code and payload, and goes on', async () => {
    const world = memoryWorld(
      rows(30, (i): JsonObject => (i === 7 ? { bad: 'yes' } : i === 22 ? { forbidden: 1 } : {})),
    );
    const { store, engine } = await setup(world);
    const run = await engine.run(project({ table: 't', rejectWhen: 'forbidden' }), 'f', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.failed).toBe(2);
    expect(world.tables.get('t')?.size).toBe(28);
    const errors = await errorsOf(store);
    expect(errors.map((e) => [e.recordId, stageText(e.stage), e.code, e.field]).sort()).toEqual([
      ['22', 'destination:out', 'RECORD_CONSTRAINT', 'forbidden'],
      ['7', 'step:check', 'RECORD_BAD_VALUE', 'bad'],
    ]);
    expect(errors.find((e) => e.recordId === '7')?.payload).toEqual({ id: 7, name: 'r7', bad: 'yes' });
    await store.close();
  });

  it('keeps the checkpoint of the last fully handled page when a destination fails, and resumes from it without loss', async () => {
    const world = memoryWorld(rows(50));
    world.beforeWrite = (records) => {
      if (records.some((r) => r.id === 27)) throw new FlowError('SQL_ERROR', 'table vanished');
    };
    const { store, engine } = await setup(world);
    const failed = await engine.run(project({ table: 't' }, false), 'f', { trigger: 'cli' });
    expect(failed.status).toBe('failed');
    expect(failed.error?.code).toBe('SQL_ERROR');
    expect((await store.getCheckpoint('f'))?.checkpoint).toBe(20);
    world.beforeWrite = undefined;
    const resumed = await engine.run(project({ table: 't' }, false), 'f', { trigger: 'cli' });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resumedFrom).toBe(failed.id);
    expect(resumed.counts.read).toBe(30);
    expect([...(world.tables.get('t')?.keys() ?? [])].map(Number).sort((a, b) => a - b)).toEqual(
      rows(50).map((r) => r.id),
    );
    await store.close();
  });

  it('retries transient destination failures in place', async () => {
    const world = memoryWorld(rows(12));
    let failures = 0;
    world.beforeWrite = () => {
      if (failures < 2) {
        failures += 1;
        throw new FlowError('DB_BUSY', 'database is locked', { kind: 'transient' });
      }
    };
    const { store, engine } = await setup(world);
    const run = await engine.run(project(), 'f', { trigger: 'cli' });
    expect(run.status).toBe('succeeded');
    expect(world.tables.get('t')?.size).toBe(12);
    expect(failures).toBe(2);
    await store.close();
  });

  it('cancels cleanly between pages, keeping the checkpoint for the next run', async () => {
    const world = memoryWorld(rows(100));
    const abort = new AbortController();
    world.onPage = (page) => {
      if (page === 2) abort.abort();
    };
    const { store, engine } = await setup(world);
    const run = await engine.run(project(), 'f', { trigger: 'cli', signal: abort.signal });
    expect(run.status).toBe('canceled');
    expect(run.error?.code).toBe('CANCELED');
    const cp = (await store.getCheckpoint('f'))?.checkpoint;
    expect(typeof cp).toBe('number');
    world.onPage = undefined;
    const next = await engine.run(project(), 'f', { trigger: 'cli' });
    expect(next.status).toBe('succeeded');
    expect(next.counts.read).toBe(100 - (cp as number));
    expect(world.tables.get('t')?.size).toBe(100);
    await store.close();
  });

  it('refuses to overlap a run that holds the lease, and takes over once its lease lapsed', async () => {
    const world = memoryWorld(rows(5));
    const { store, engine } = await setup(world);
    const now = new Date();
    const claimed = await store.claimLease('f', 'elsewhere:1:a1', new Date(now.getTime() + 60_000), { at: now });
    const { run: live, lease } = await store.startRun({
      lease: claimed,
      trigger: 'test',
      flowFile: null,
      host: 'elsewhere',
      pid: 1,
      startedAt: now,
    });
    await expect(engine.run(project(), 'f', { trigger: 'cli' })).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    await store.renewLease(lease, new Date(Date.now() - 1)); // as if its last renewal was a window ago
    const run = await engine.run(project(), 'f', { trigger: 'cli' });
    expect(run.status).toBe('succeeded');
    const dead = await store.getRun(live.id);
    expect(dead?.status).toBe('failed');
    expect(dead?.error?.code).toBe('INTERRUPTED');
    expect(dead?.error?.message).toContain('its lease lapsed');
    expect(await store.getLease('f')).toMatchObject({ owner: null, runId: run.id, token: 2 });
    await store.close();
  });

  it('previews without writing: input beside output, dropped and failed rows', async () => {
    const world = memoryWorld(rows(8, (i): JsonObject => (i === 2 ? { drop: true } : i === 3 ? { bad: 1 } : {})));
    const { store, engine } = await setup(world);
    const preview = await engine.preview(project(), 'f', 5);
    expect(preview.rows).toHaveLength(5);
    expect(preview.rows[1]?.droppedBy).toBe('check');
    expect(preview.rows[2]?.error?.code).toBe('RECORD_BAD_VALUE');
    expect(preview.rows[0]?.output).toEqual({ id: 1, name: 'r1' });
    expect(world.writes).toBe(0);
    await store.close();
  });

  it('retries an error record from its failed stage, with an edited payload', async () => {
    const world = memoryWorld(rows(5, (i): JsonObject => (i === 4 ? { bad: 'x' } : {})));
    const { store, engine } = await setup(world);
    await engine.run(project(), 'f', { trigger: 'cli' });
    const [err] = await errorsOf(store);
    if (!err) throw new Error('expected an error record');
    const again = await engine.retryError(project(), err.id);
    expect(again.ok).toBe(false);
    expect((await store.getError(err.id))?.attempts).toBe(2);
    const fixed = await engine.retryError(project(), err.id, { payload: { id: 4, name: 'fixed' } });
    expect(fixed.ok).toBe(true);
    expect(world.tables.get('t')?.get('4')).toEqual({ id: 4, name: 'fixed' });
    expect((await store.getError(err.id))?.status).toBe('retried');
    await expect(engine.retryError(project(), err.id)).rejects.toMatchObject({ code: 'ERROR_RECORD_RESOLVED' });
    await store.close();
  });

  it('withholds checkpoints while a buffering step holds records, and commits with the flushed page', async () => {
    const world = memoryWorld(rows(25));
    const { store, engine } = await setup(world);
    const p = project();
    const flow = p.flows.f;
    if (!flow) throw new Error('no flow');
    const buffered = {
      ...p,
      flows: { f: { ...flow, steps: [{ name: 'count', type: 'count', config: {}, where: 't:1:1' }] } },
    };
    const run = await engine.run(buffered, 'f', { trigger: 'cli' });
    expect(run.status).toBe('succeeded');
    expect(world.tables.get('t')?.get('total')).toEqual({ id: 'total', count: 25 });
    expect((await store.listPages(run.id)).map((pg) => pg.checkpoint)).toEqual([null, null, null, 25]);
    await store.close();
  });

  it('shares one opened connection between runs that use it at the same time, and closes it after the last', async () => {
    const world = memoryWorld(rows(200));
    const { store, engine } = await setup(world);
    const p = project({ table: 't' }, false, 5);
    const f = p.flows.f;
    if (!f) throw new Error('no flow');
    const two = { ...p, flows: { f, g: { ...f, name: 'g' } } };
    const [a, b] = await Promise.all([
      engine.run(two, 'f', { trigger: 'cli' }),
      engine.run(two, 'g', { trigger: 'cli' }),
    ]);
    expect([a.status, b.status]).toEqual(['succeeded', 'succeeded']);
    expect(world.opens).toBe(1);
    expect(world.closes).toBe(1);
    await engine.run(two, 'f', { trigger: 'cli' });
    expect([world.opens, world.closes]).toEqual([2, 2]);
    await store.close();
  });

  it('names the flows that exist when asked for an unknown one', async () => {
    const { store, engine } = await setup(memoryWorld([]));
    await expect(engine.run(project(), 'nope', { trigger: 'cli' })).rejects.toMatchObject({
      code: 'FLOW_NOT_FOUND',
      hint: 'flows in this file: f',
    });
    await store.close();
  });
});
