import { describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { ProjectDefinition } from '../config/definition.js';
import type { JsonObject, Logger } from '../sdk/index.js';
import { silentLogger } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';
import type { RunEvent } from './run-event.js';

/** 25 rows in pages of 10; rows 7 and 17 are refused by the destination. */
function setup(pageSize = 10) {
  const rows: JsonObject[] = Array.from({ length: 25 }, (_, i) => ({
    id: i + 1,
    ...(i + 1 === 7 || i + 1 === 17 ? { forbidden: 1 } : {}),
  }));
  const project: ProjectDefinition = {
    file: '/tmp/events.yaml',
    baseDir: '/tmp',
    connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'x' } },
    flows: {
      f: {
        name: 'f',
        where: 'x',
        source: { connection: 'mem', type: 'memory.rows', config: { pageSize }, where: 'x' },
        steps: [],
        destinations: [
          {
            name: 'out',
            connection: 'mem',
            type: 'memory.table',
            config: { table: 't', rejectWhen: 'forbidden' },
            batch: { size: 4 },
            where: 'x',
          },
        ],
      },
    },
  };
  return { project, world: memoryWorld(rows) };
}

async function engineWith(log: Logger = silentLogger) {
  const store = await openStore(':memory:');
  const { project, world } = setup();
  const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store, log });
  return { store, engine, project, world };
}

describe('the run event stream', () => {
  it('a run publishes started, its pages with their counts and error ids, its failed records, then ended', async () => {
    const { store, engine, project } = await engineWith();
    const events: RunEvent[] = [];
    engine.events.subscribe((e) => {
      events.push(e);
    });
    const run = await engine.run(project, 'f', { trigger: 'cli' });
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed_with_errors');

    const runEvents = events.filter((e) => e.type !== 'run.progress');
    expect(runEvents.map((e) => e.type)).toEqual([
      'run.started',
      'record.failed',
      'page.committed',
      'record.failed',
      'page.committed',
      'page.committed',
      'run.ended',
    ]);
    expect(events.every((e) => e.flow === 'f' && e.at instanceof Date)).toBe(true);
    expect(events.every((e) => !('runId' in e) || e.runId === run.id)).toBe(true);
    expect(events[0]).toMatchObject({ type: 'run.started', trigger: 'cli', flowFile: '/tmp/events.yaml' });

    const pages = events.flatMap((e) => (e.type === 'page.committed' ? [e] : []));
    expect(pages.map((p) => [p.seq, p.records, p.failed, p.page.written, p.counts.read, p.counts.failed])).toEqual([
      [1, 10, 1, 9, 10, 1],
      [2, 10, 1, 9, 20, 2],
      [3, 5, 0, 5, 25, 2],
    ]);
    // the ids are those the error store gave the records committed with each page
    const stored = await store.listErrors({ runId: run.id });
    const byRecord = new Map(stored.map((e) => [e.recordId, e.id]));
    expect(pages.map((p) => p.errorIds)).toEqual([[byRecord.get('7')], [byRecord.get('17')], []]);
    const failed = events.flatMap((e) => (e.type === 'record.failed' ? [e] : []));
    expect(failed.map((f) => [f.errorId, f.recordId, f.stage, f.code])).toEqual([
      [byRecord.get('7'), '7', { kind: 'destination', name: 'out' }, 'RECORD_CONSTRAINT'],
      [byRecord.get('17'), '17', { kind: 'destination', name: 'out' }, 'RECORD_CONSTRAINT'],
    ]);

    const progress = events.flatMap((e) => (e.type === 'run.progress' ? [e] : []));
    expect(progress.length).toBe(3);
    expect(progress.every((p, i) => i === 0 || p.counts.read >= (progress[i - 1]?.counts.read ?? 0))).toBe(true);

    const ended = events.at(-1);
    expect(ended).toMatchObject({ type: 'run.ended', status: 'completed_with_errors', runId: run.id });
    expect(ended?.type === 'run.ended' ? ended.run : undefined).toEqual(run);
    await store.close();
  });

  it('a subscriber that throws, or rejects, changes nothing about the run; the failure is logged', async () => {
    const logged: string[] = [];
    const log: Logger = {
      ...silentLogger,
      error: (_fields: object, message?: string) => {
        logged.push(message ?? '');
      },
    };
    const plain = await engineWith();
    const expected = await plain.engine.run(plain.project, 'f', { trigger: 'cli' });

    const { store, engine, project, world } = await engineWith(log);
    const seen: string[] = [];
    engine.events.subscribe(() => {
      throw new Error('subscriber bug');
    });
    engine.events.subscribe(async () => {
      throw new Error('async subscriber bug');
    });
    engine.events.subscribe((e) => {
      seen.push(e.type);
    });
    const run = await engine.run(project, 'f', { trigger: 'cli' });
    expect(run.status).toBe(expected.status);
    expect(run.counts).toEqual({
      ...expected.counts,
      destinations: { out: { ...expected.counts.destinations.out, ms: expect.any(Number) } },
    });
    expect(world.tables.get('t')?.size).toBe(23);
    expect((await store.listErrors({ runId: run.id })).length).toBe(2);
    // the subscriber after the failing ones got every event
    expect(seen.at(0)).toBe('run.started');
    expect(seen.at(-1)).toBe('run.ended');
    await new Promise((r) => setImmediate(r));
    expect(logged.filter((m) => m.includes('failed (the run goes on)')).length).toBe(2 * seen.length);
    await store.close();
    await plain.store.close();
  });

  it('retrying and resolving error records publish error.retried and error.resolved', async () => {
    const { store, engine, project, world } = await engineWith();
    const run = await engine.run(project, 'f', { trigger: 'cli' });
    const [first, second] = (await store.listErrors({ runId: run.id })).reverse();
    const events: RunEvent[] = [];
    engine.events.subscribe((e) => {
      events.push(e);
    });

    // the destination refuses it again, then takes the edited record
    await engine.retryError(project, first?.id ?? 0);
    await engine.retryError(project, first?.id ?? 0, { payload: { id: 7 } });
    await engine.resolveError(second?.id ?? 0, { note: 'not needed' });
    await expect(engine.resolveError(second?.id ?? 0)).rejects.toThrow('already resolved');

    expect(events).toEqual([
      expect.objectContaining({
        type: 'error.retried',
        flow: 'f',
        errorId: first?.id,
        runId: run.id,
        recordId: '7',
        ok: false,
        attempts: 2,
        code: 'RECORD_CONSTRAINT',
        message: expect.stringContaining('forbidden'),
      }),
      expect.objectContaining({
        type: 'error.retried',
        errorId: first?.id,
        ok: true,
        attempts: 3,
        message: 'delivered',
        handedOn: [],
      }),
      expect.objectContaining({
        type: 'error.resolved',
        flow: 'f',
        errorId: second?.id,
        runId: run.id,
        recordId: '17',
        note: 'not needed',
      }),
    ]);
    expect(world.tables.get('t')?.get('7')).toBeDefined();
    expect((await store.getError(second?.id ?? 0))?.status).toBe('resolved');
    await store.close();
  });
});
