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
  defineStep,
  FlowError,
  ManualClock,
  type Writer,
} from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

interface Trace {
  events: string[];
  written: number[];
}

/** 10 pages of 5 records; page p's write waits `delay(p)` ms and fails when `failAt === p`. */
function connector(trace: Trace, delay: (page: number) => number, failAt?: number) {
  return defineConnector({
    name: 't',
    description: 'pipeline test',
    connection: z.object({}).strict(),
    open: () => ({}),
    check: async () => undefined,
    close: async () => undefined,
    sources: [
      defineSource({
        type: 'rows',
        description: 'rows',
        config: z.object({}).strict(),
        async *read({ from }) {
          for (let p = typeof from === 'number' ? from : 0; p < 10; p++) {
            const records = Array.from({ length: 5 }, (_, i) =>
              createRecord({ id: p * 5 + i, page: p }, { id: String(p * 5 + i) }),
            );
            yield { records, checkpoint: p + 1 };
          }
        },
      }),
    ],
    destinations: [
      defineDestination({
        type: 'sink',
        description: 'sink',
        config: z.object({}).strict(),
        open: async (): Promise<Writer> => ({
          async write(records: readonly DataRecord[], ctx: Context) {
            const page = records[0]?.data.page as number;
            trace.events.push(`write ${page} start`);
            await ctx.clock.sleep(delay(page));
            if (page === failAt) throw new FlowError('SQL_ERROR', `page ${page} cannot be written`);
            trace.written.push(page);
            trace.events.push(`write ${page} end`);
            return { rejected: [] };
          },
          close: async () => undefined,
        }),
      }),
    ],
  });
}

const tag = (trace: Trace) =>
  defineStep({
    type: 'tag',
    description: 'records when a page passes the steps',
    config: z.object({}).strict(),
    create: () => ({
      async process(records: readonly DataRecord[]) {
        trace.events.push(`steps ${records[0]?.data.page}`);
        return { records: [...records], failed: [] };
      },
    }),
  });

function project(pages?: number): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'x',
    ...(pages ? { concurrency: { pages } } : {}),
    source: { connection: 'c', type: 't.rows', config: {}, where: 'x' },
    steps: [{ name: 'tag', type: 'tag', config: {}, where: 'x' }],
    destinations: [{ name: 'out', connection: 'c', type: 't.sink', config: {}, batch: { size: 100 }, where: 'x' }],
  };
  return {
    file: '/tmp/p.yaml',
    baseDir: '/tmp',
    connections: { c: { name: 'c', type: 't', config: {}, where: 'x' } },
    flows: { f: flow },
  };
}

async function run(pages: number | undefined, delay: (page: number) => number, failAt?: number) {
  const trace: Trace = { events: [], written: [] };
  const store = await openStore(':memory:');
  const clock = new ManualClock(); // the writes' delays pass on it: exact, and no wall time
  const engine = createEngine({ connectors: [connector(trace, delay, failAt)], steps: [tag(trace)], store, clock });
  const result = await clock.drive(engine.run(project(pages), 'f', { trigger: 'cli' }));
  const committed = (await store.listPages(result.id)).map((p) => p.checkpoint);
  const checkpoint = (await store.getCheckpoint('f'))?.checkpoint;
  await store.close();
  return { result, trace, committed, checkpoint };
}

describe('page pipeline', () => {
  it('runs the steps of the next page while a page is written, one write at a time, in order', async () => {
    const { result, trace, committed } = await run(undefined, () => 20);
    expect(result.status).toBe('succeeded');
    expect(trace.written).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(committed).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    // page 1 went through the steps before page 0's write had ended
    expect(trace.events.indexOf('steps 1')).toBeLessThan(trace.events.indexOf('write 0 end'));
    // never two writes at once
    for (let p = 1; p < 10; p++) {
      expect(trace.events.indexOf(`write ${p} start`)).toBeGreaterThan(trace.events.indexOf(`write ${p - 1} end`));
    }
    expect(result.counts).toMatchObject({ read: 50, written: 50, failed: 0 });
  });

  it('with concurrency.pages, writes several pages at once but commits their checkpoints in page order', async () => {
    // later pages finish first
    const { result, trace, committed } = await run(4, (p) => (10 - p) * 8);
    expect(result.status).toBe('succeeded');
    expect(trace.written).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(committed).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.counts).toMatchObject({ read: 50, written: 50 });
    expect(result.counts.destinations.out).toMatchObject({ in: 50, out: 50 });
  });

  it('a failing page stops every later page from committing: the checkpoint stays before it', async () => {
    const { result, committed, checkpoint } = await run(4, (p) => (p === 3 ? 30 : 5), 3);
    expect(result.status).toBe('failed');
    expect(result.error?.message).toContain('page 3 cannot be written');
    expect(committed).toEqual([1, 2, 3]);
    expect(checkpoint).toBe(3);
  });
});
