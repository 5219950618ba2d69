import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import {
  type Context,
  createRecord,
  type DataRecord,
  defineConnector,
  defineDestination,
  defineSource,
  type JsonObject,
  ManualClock,
  type Writer,
} from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

/** A source of `pages` pages of 10 records, waiting `pageDelayMs` before each; a destination waiting `writeDelayMs`. */
function slowConnector(o: { pages: number; pageDelayMs: number; writeDelayMs: number; written: JsonObject[] }) {
  return defineConnector({
    name: 'slow',
    description: 'slow (tests)',
    connection: z.object({}).strict(),
    open: () => ({}),
    check: async () => undefined,
    close: async () => undefined,
    sources: [
      defineSource({
        type: 'rows',
        description: 'slow rows',
        config: z.object({}).strict(),
        async *read({ from }, ctx) {
          for (let p = typeof from === 'number' ? from : 0; p < o.pages; p++) {
            await ctx.clock.sleep(o.pageDelayMs, ctx.signal);
            const records = Array.from({ length: 10 }, (_, i) =>
              createRecord({ id: p * 10 + i }, { id: String(p * 10 + i) }),
            );
            yield { records, checkpoint: p + 1 };
          }
        },
      }),
    ],
    destinations: [
      defineDestination({
        type: 'table',
        description: 'slow table',
        config: z.object({}).strict(),
        open: async (): Promise<Writer> => ({
          async write(records: readonly DataRecord[], ctx: Context) {
            await ctx.clock.sleep(o.writeDelayMs);
            o.written.push(...records.map((r) => r.data));
            return { rejected: [] };
          },
          close: async () => undefined,
        }),
      }),
    ],
  });
}

function project(timeouts: FlowDefinition['timeouts']): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'test.yaml:1:1',
    retry: { maxAttempts: 2, base: 1 },
    ...(timeouts ? { timeouts } : {}),
    source: { connection: 'c', type: 'slow.rows', config: {}, where: 'x' },
    steps: [],
    destinations: [{ name: 'out', connection: 'c', type: 'slow.table', config: {}, batch: { size: 100 }, where: 'x' }],
  };
  return {
    file: '/tmp/t.yaml',
    baseDir: '/tmp',
    connections: { c: { name: 'c', type: 'slow', config: {}, breaker: { enabled: false }, where: 'x' } },
    flows: { f: flow },
  };
}

const T0 = Date.UTC(2026, 0, 1);

async function run(
  o: { pages: number; pageDelayMs: number; writeDelayMs: number },
  timeouts: FlowDefinition['timeouts'],
) {
  const written: JsonObject[] = [];
  const store = await openStore(':memory:');
  // every wait and time limit is on this clock: the run takes virtual time, no wall time
  const clock = new ManualClock(T0);
  const wall = performance.now();
  const engine = createEngine({ connectors: [slowConnector({ ...o, written })], steps: [], store, clock });
  const result = await clock.drive(engine.run(project(timeouts), 'f', { trigger: 'cli' }));
  expect(performance.now() - wall).toBeLessThan(1000);
  const checkpoint = (await store.getCheckpoint('f'))?.checkpoint;
  await store.close();
  return { result, written, checkpoint, took: (result.endedAt?.getTime() ?? 0) - T0 };
}

describe('timeouts', () => {
  it('a write call that takes longer than timeouts.write is a transient TIMEOUT: retried, then the run fails', async () => {
    const { result, written, took } = await run({ pages: 2, pageDelayMs: 0, writeDelayMs: 200 }, { write: 30 });
    expect(result.status).toBe('failed');
    expect(took).toBe(30 + 1 + 30); // the call, the retry 1 ms later (retry.base), the call again
    expect(result.error?.code).toBe('TIMEOUT');
    expect(result.error?.message).toContain('writing 10 records to destination out took longer than 30ms');
    expect(written).toHaveLength(0);
  });

  it('a source that does not deliver its next page within timeouts.read fails the run with TIMEOUT', async () => {
    const { result, checkpoint, took } = await run(
      { pages: 5, pageDelayMs: 20 * 60_000, writeDelayMs: 0 },
      { read: '10m' },
    );
    expect(result.status).toBe('failed');
    expect(took).toBe(10 * 60_000); // the run ends at the limit, not when the stalled read would have come
    expect(result.error?.code).toBe('TIMEOUT');
    expect(result.error?.message).toContain('waiting for the next page of slow.rows took longer than 10m');
    expect(checkpoint).toBeUndefined();
  });

  it('a run longer than timeouts.run stops at a page boundary as failed (RUN_TIMEOUT), keeping its checkpoint', async () => {
    const { result, written, checkpoint, took } = await run(
      { pages: 50, pageDelayMs: 7 * 60_000, writeDelayMs: 0 },
      { run: '150m' },
    );
    expect(result.status).toBe('failed');
    expect(result.error?.code).toBe('RUN_TIMEOUT');
    expect(result.error?.message).toContain('took longer than 150m (timeouts.run)');
    expect(took).toBe(150 * 60_000);
    // a page every 7 min: the 21st came at 147 min and is committed; the 22nd would come at 154
    expect(written).toHaveLength(210);
    expect(checkpoint).toBe(21);
  });

  it('generous limits change nothing', async () => {
    const { result, written } = await run(
      { pages: 3, pageDelayMs: 5, writeDelayMs: 5 },
      { run: '1m', read: '10s', write: '10s' },
    );
    expect(result.status).toBe('succeeded');
    expect(written).toHaveLength(30);
  });
});
