import { describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { BreakerSettings, FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { FlowError, type JsonObject } from '../sdk/index.js';
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

/** A destination that is down from the 3rd write until `downForMs` later. */
function flakyWorld(n: number, downForMs: number) {
  const world = memoryWorld(rows(n));
  let downSince: number | undefined;
  let calls = 0;
  world.beforeWrite = () => {
    calls += 1;
    if (calls === 3) downSince = Date.now();
    if (downSince !== undefined && Date.now() - downSince < downForMs) {
      throw new FlowError('TRANSIENT_IO', 'HTTP 503 Service Unavailable');
    }
  };
  return world;
}

describe('circuit breaker in runs', () => {
  it('opens during an outage, the run waits for half-open and recovers: everything delivered once', async () => {
    const world = flakyWorld(100, 300);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store });
    const run = await engine.run(project({ failures: 2, openFor: 150, maxWait: '5s' }), 'f');
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(world.tables.get('t')?.size).toBe(100);
    const [breaker] = await store.listBreakers();
    expect(breaker).toMatchObject({ name: 'dst', state: 'closed' });
    await store.close();
  });

  it('pauses a run when the circuit stays open past maxWait, keeps the checkpoint, and the next run completes', async () => {
    const world = flakyWorld(100, 1500);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store });
    const p = project({ failures: 2, openFor: 200, maxWait: 300 });
    const paused = await engine.run(p, 'f');
    expect(paused.status).toBe('paused');
    expect(paused.error?.code).toBe('PAUSED');
    expect(paused.error?.message).toContain('the circuit of connection dst is open until');
    expect((await store.getCheckpoint('f'))?.checkpoint).toBe(20);
    expect((await store.listBreakers())[0]?.state).not.toBe('closed');
    await new Promise((r) => setTimeout(r, 1600));
    const resumed = await engine.run(p, 'f');
    expect(resumed.status).toBe('succeeded');
    expect(resumed.resumedFrom).toBe(paused.id);
    expect(world.tables.get('t')?.size).toBe(100);
    expect((await store.listBreakers())[0]?.state).toBe('closed');
    await store.close();
  });

  it('can be turned off per connection: the run fails on the retry schedule instead', async () => {
    const world = flakyWorld(100, 60_000);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store });
    const run = await engine.run(project({ enabled: false }), 'f');
    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('TRANSIENT_IO');
    expect(await store.listBreakers()).toEqual([]);
    await store.close();
  });
});
