import { describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { FlowDefinition, ProjectDefinition, RetrySettings } from '../config/definition.js';
import { FlowError, type JsonObject, ManualClock } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

const rows = (n: number): JsonObject[] => Array.from({ length: n }, (_, i) => ({ id: i + 1 }));

function project(o: {
  flow?: RetrySettings;
  connection?: RetrySettings;
  destination?: RetrySettings;
  batch?: FlowDefinition['destinations'][number]['batch'];
  maxConcurrent?: number;
}): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    ...(o.flow ? { retry: o.flow } : {}),
    source: { connection: 'mem', type: 'memory.rows', config: { pageSize: 20 }, where: 'test.yaml:2:1' },
    steps: [],
    destinations: [
      {
        name: 'out',
        connection: 'mem',
        type: 'memory.table',
        config: { table: 't' },
        batch: o.batch ?? { size: 20 },
        ...(o.destination ? { retry: o.destination } : {}),
        where: 'test.yaml:4:1',
      },
    ],
  };
  return {
    file: '/tmp/test.yaml',
    baseDir: '/tmp',
    connections: {
      mem: {
        name: 'mem',
        type: 'memory',
        config: {},
        ...(o.connection ? { retry: o.connection } : {}),
        breaker: { enabled: false }, // these tests are about the retry schedule alone
        ...(o.maxConcurrent ? { maxConcurrent: o.maxConcurrent } : {}),
        where: 'x',
      },
    },
    flows: { f: flow },
  };
}

/** A destination that answers 503 `failures` times in a row, then works; records how many calls it saw. */
async function runWithOutage(failures: number, p: ProjectDefinition) {
  const world = memoryWorld(rows(20));
  let calls = 0;
  world.beforeWrite = () => {
    calls += 1;
    if (calls <= failures) throw new FlowError('TRANSIENT_IO', 'HTTP 503 from the destination');
  };
  const store = await openStore(':memory:');
  const engine = createEngine({
    connectors: [memoryConnector(world)],
    steps: [],
    store,
    retry: { baseMs: 1, maxMs: 5 },
  });
  const run = await engine.run(p, 'f', { trigger: 'cli' });
  await store.close();
  return { run, calls, world };
}

describe('retry policy as data', () => {
  it('uses the defaults (3 attempts): two 503s are survived, three fail the run keeping the checkpoint', async () => {
    expect((await runWithOutage(2, project({}))).run.status).toBe('succeeded');
    const failed = await runWithOutage(3, project({}));
    expect(failed.run.status).toBe('failed');
    expect(failed.calls).toBe(3);
    expect(failed.run.error?.message).toContain('HTTP 503');
  });

  it('lets the flow, then the connection, then the destination set maxAttempts', async () => {
    expect((await runWithOutage(4, project({ flow: { maxAttempts: 5 } }))).run.status).toBe('succeeded');
    const byConnection = await runWithOutage(4, project({ flow: { maxAttempts: 5 }, connection: { maxAttempts: 2 } }));
    expect(byConnection.run.status).toBe('failed');
    expect(byConnection.calls).toBe(2);
    const byDestination = await runWithOutage(
      6,
      project({ flow: { maxAttempts: 2 }, connection: { maxAttempts: 2 }, destination: { maxAttempts: 7 } }),
    );
    expect(byDestination.run.status).toBe('succeeded');
    expect(byDestination.calls).toBe(7);
  });

  it.each([
    [undefined, 3],
    [2, 2],
  ])(
    'writes the batches of a page in parallel when asked (bulkhead %s): at most %i at once, all delivered',
    async (maxConcurrent, expectedPeak) => {
      const world = memoryWorld(rows(100));
      let inFlight = 0;
      let peak = 0;
      const store = await openStore(':memory:');
      const connector = memoryConnector(world);
      const destination = connector.destinations?.[0];
      if (!destination) throw new Error('memory connector has a destination');
      // slow each write a little so that batches overlap
      const slow = {
        ...connector,
        destinations: [
          {
            ...destination,
            async open(args: Parameters<typeof destination.open>[0], ctx: Parameters<typeof destination.open>[1]) {
              const writer = await destination.open(args, ctx);
              return {
                ...writer,
                async write(records: Parameters<typeof writer.write>[0], c: Parameters<typeof writer.write>[1]) {
                  inFlight += 1;
                  peak = Math.max(peak, inFlight);
                  await c.clock.sleep(5);
                  try {
                    return await writer.write(records, c);
                  } finally {
                    inFlight -= 1;
                  }
                },
                close: writer.close.bind(writer),
              };
            },
          },
        ],
      };
      const clock = new ManualClock();
      const engine = createEngine({ connectors: [slow], steps: [], store, clock });
      const p = project({
        batch: { size: 2, parallel: true, maxParallel: 3 },
        ...(maxConcurrent ? { maxConcurrent } : {}),
      });
      const run = await clock.drive(engine.run(p, 'f', { trigger: 'cli' }));
      expect(run.status).toBe('succeeded');
      expect(world.tables.get('t')?.size).toBe(100);
      expect(peak).toBe(expectedPeak);
      await store.close();
    },
  );
});
