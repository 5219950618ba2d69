import { describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { BreakerSettings, FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { FlowError, type JsonObject, ManualClock } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

const rows = (n: number): JsonObject[] => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

function project(breaker: BreakerSettings): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    retry: { maxAttempts: 2, base: 1, max: 1 },
    source: { connection: 'src', type: 'memory.rows', config: { pageSize: 10 }, where: 'test.yaml:2:1' },
    steps: [],
    destinations: [
      { name: 'out', connection: 'dst', type: 'memory.table', config: { table: 't' }, batch: { size: 10 }, where: 'x' },
    ],
  };
  return {
    file: '/tmp/test.yaml',
    baseDir: '/tmp',
    connections: {
      src: { name: 'src', type: 'memory', config: {}, where: 'x' },
      dst: { name: 'dst', type: 'memory', config: {}, breaker, where: 'x' },
    },
    flows: { f: flow },
  };
}

/** A destination that is down from the 3rd write until `downForMs` later (on the clock); each write's time kept. */
function flakyWorld(n: number, downForMs: number, clock: ManualClock) {
  const world = memoryWorld(rows(n));
  let downSince: number | undefined;
  let calls = 0;
  const writes: { at: number; ok: boolean }[] = [];
  world.beforeWrite = () => {
    calls += 1;
    const now = clock.now().getTime();
    if (calls === 3) downSince = now;
    const down = downSince !== undefined && now - downSince < downForMs;
    writes.push({ at: now - T0, ok: !down });
    if (down) throw new FlowError('TRANSIENT_IO', 'HTTP 503 Service Unavailable');
  };
  return { world, writes };
}

const T0 = Date.UTC(2026, 0, 1);

describe('circuit breaker in runs', () => {
  it('opens during an outage, the run waits for half-open and recovers: everything delivered once', async () => {
    const wall = performance.now();
    const clock = new ManualClock(T0);
    const { world, writes } = flakyWorld(100, 5 * 60_000, clock);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store, clock });
    const run = await clock.drive(
      engine.run(project({ failures: 2, openFor: '2m', maxWait: '10m' }), 'f', { trigger: 'cli' }),
    );
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(world.tables.get('t')?.size).toBe(100);
    const [breaker] = await store.listBreakers();
    expect(breaker).toMatchObject({ name: 'dst', state: 'closed' });
    // the 3rd write fails, its retry (1 ms later) too: open; a probe every 2 min, until the outage ends at 5 min
    expect(writes.slice(0, 6)).toEqual([
      { at: 0, ok: true },
      { at: 0, ok: true },
      { at: 0, ok: false },
      { at: 1, ok: false },
      { at: 120_001, ok: false }, // half-open: the probe fails, open again
      { at: 240_001, ok: false },
    ]);
    expect(writes[6]).toEqual({ at: 360_001, ok: true }); // the probe succeeds: closed, the run goes on
    expect(writes.slice(6).every((w) => w.ok && w.at === 360_001)).toBe(true);
    expect(run.endedAt?.getTime()).toBe(T0 + 360_001);
    expect(performance.now() - wall).toBeLessThan(1000); // nothing slept
    await store.close();
  });

  it('pauses a run when the circuit stays open past maxWait, keeps the checkpoint, and the next run completes', async () => {
    const wall = performance.now();
    const clock = new ManualClock(T0);
    const { world } = flakyWorld(100, 15 * 60_000, clock);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store, clock });
    const p = project({ failures: 2, openFor: '2m', maxWait: '3m' });
    const paused = await clock.drive(engine.run(p, 'f', { trigger: 'cli' }));
    expect(paused.status).toBe('paused');
    expect(paused.error?.code).toBe('PAUSED');
    expect(paused.error?.message).toContain('the circuit of connection dst is open until');
    expect((await store.getCheckpoint('f'))?.checkpoint).toBe(20);
    expect((await store.listBreakers())[0]?.state).not.toBe('closed');
    // the probe at 2 min fails, its retry 1 ms later meets the open circuit, whose next probe is past maxWait
    expect(paused.endedAt?.getTime()).toBe(T0 + 120_002);
    clock.advance(15 * 60_000);
    const resumed = await clock.drive(engine.run(p, 'f', { trigger: 'cli' }));
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resumedFrom).toBe(paused.id);
    expect(world.tables.get('t')?.size).toBe(100);
    expect((await store.listBreakers())[0]?.state).toBe('closed');
    expect(performance.now() - wall).toBeLessThan(1000);
    await store.close();
  });

  it('can be turned off per connection: the run fails on the retry schedule instead', async () => {
    const clock = new ManualClock(T0);
    const { world } = flakyWorld(100, 60_000, clock);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store, clock });
    const run = await clock.drive(engine.run(project({ enabled: false }), 'f', { trigger: 'cli' }));
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('TRANSIENT_IO');
    expect(await store.listBreakers()).toEqual([]);
    await store.close();
  });
});
