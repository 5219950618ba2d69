import { describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { FlowError, type JsonObject, ManualClock } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

const T0 = Date.UTC(2026, 0, 1);

function project(): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    source: { connection: 'src', type: 'memory.rows', config: { pageSize: 10 }, where: 'x' },
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
      dst: { name: 'dst', type: 'memory', config: {}, where: 'x' },
    },
    flows: { f: flow },
  };
}

/** Runs the flow over 30 rows on a manual clock; `fail(call)` may throw before the destination writes. */
async function runOnClock(fail: (call: number) => FlowError | undefined) {
  const clock = new ManualClock(T0);
  const world = memoryWorld(Array.from({ length: 30 }, (_, i): JsonObject => ({ id: i + 1 })));
  const calls: number[] = [];
  world.beforeWrite = () => {
    calls.push(clock.now().getTime() - T0);
    const error = fail(calls.length);
    if (error) throw error;
  };
  const store = await openStore(':memory:');
  const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store, clock });
  const wall = performance.now();
  const run = await clock.drive(engine.run(project(), 'f', { trigger: 'cli' }));
  const wallMs = performance.now() - wall;
  const delivered = world.tables.get('t')?.size ?? 0;
  await store.close();
  return { run, calls, delivered, wallMs, tookMs: (run.endedAt?.getTime() ?? T0) - T0 };
}

describe('a whole run on a manual clock', () => {
  it("retries a destination that fails transiently on the seed's backoff schedule (at once, +1 s, +2 s), without sleeping", async () => {
    const busy = (call: number) =>
      call === 2 || call === 3 ? new FlowError('DB_BUSY', 'database is locked', { kind: 'transient' }) : undefined;
    const { run, calls, delivered, wallMs, tookMs } = await runOnClock(busy);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(delivered).toBe(30);
    // page 1 at 0; page 2 fails at 0 and 1 s, is written at 3 s; page 3 right after
    expect(calls).toEqual([0, 0, 1000, 3000, 3000]);
    expect(tookMs).toBe(3000);
    expect(wallMs).toBeLessThan(1000);
  });

  it('waits what a Retry-After said instead of the computed backoff', async () => {
    const limited = (call: number) =>
      call === 1 ? new FlowError('TRANSIENT_IO', 'HTTP 429', { retryAfterMs: 90_000 }) : undefined;
    const { run, calls, wallMs } = await runOnClock(limited);
    expect(run.status).toBe('succeeded');
    expect(calls).toEqual([0, 90_000, 90_000, 90_000]);
    expect(wallMs).toBeLessThan(1000);
  });

  it('fails the run once the schedule is spent: three calls, 3 s of clock time', async () => {
    const down = (call: number) => (call >= 2 ? new FlowError('TRANSIENT_IO', 'HTTP 503') : undefined);
    const { run, calls, delivered, wallMs, tookMs } = await runOnClock(down);
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('TRANSIENT_IO');
    expect(calls).toEqual([0, 0, 1000, 3000]);
    expect(delivered).toBe(10);
    expect(tookMs).toBe(3000);
    expect(wallMs).toBeLessThan(1000);
  });
});
