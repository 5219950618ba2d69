import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { errorRecord, startRun } from '../../test/store/store-fixtures.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import type { RetryOutcome } from '../engine/index.js';
import { ManualClock, silentLogger } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { createHousekeeping } from './housekeeping.js';
import type { RunInput } from './runs.js';

const flow = (name: string, autoRetry: FlowDefinition['autoRetry']) =>
  ({ name, where: 'x', ...(autoRetry ? { autoRetry } : {}) }) as FlowDefinition;
const project: ProjectDefinition = {
  file: '/tmp/h.yaml',
  baseDir: '/tmp',
  connections: {},
  flows: { f: flow('f', { every: '1m', maxAttempts: 3 }), g: flow('g', { enabled: false }), h: flow('h', undefined) },
};

describe('housekeeping timers on the injected clock', () => {
  let store: StateStore;
  let clock: ManualClock;
  let purges: Date[];
  let retried: number[];
  let requested: RunInput[];

  beforeEach(async () => {
    store = await openStore(':memory:');
    clock = new ManualClock(Date.UTC(2026, 5, 1));
    purges = [];
    retried = [];
    requested = [];
  });
  afterEach(async () => {
    await store.close();
  });

  let gate: Promise<void> = Promise.resolve();
  const make = (errorRetention?: string) => {
    const spy = Object.create(store) as StateStore;
    spy.purgeErrors = (before) => {
      purges.push(before);
      return store.purgeErrors(before);
    };
    return createHousekeeping({
      project,
      store: spy,
      engine: {
        retryErrors: async (_p, ids) => {
          retried.push(...ids);
          await gate;
          return ids.map((id) => ({ id, outcome: { id, ok: true, handedOn: ['load'] } as unknown as RetryOutcome }));
        },
      },
      runs: {
        request: async (input) => {
          requested.push(input);
          return { outcome: 'started', id: `r${requested.length}` };
        },
      },
      clock,
      log: silentLogger,
      ...(errorRetention ? { errorRetention } : {}),
    });
  };

  it('purges past the retention at start and every hour; retries each flow on its schedule and requests the stages as retry runs', async () => {
    const run = await startRun(store, 'f');
    const [transient] = await store.addErrors([
      errorRecord(run, { kind: 'transient', code: 'TIMEOUT', attempts: 1 }),
      errorRecord(run, { recordId: 'line:3', kind: 'transient', code: 'TIMEOUT', attempts: 3 }), // spent
    ]);
    const hk = make('12h');
    hk.start();
    await vi.waitFor(() => expect(purges).toHaveLength(1));
    expect(purges[0]?.toISOString()).toBe('2026-05-31T12:00:00.000Z');
    await vi.waitFor(() => expect(clock.pending).toBe(3)); // f, h and the retention wait
    expect(retried).toEqual([]);
    clock.advance(59_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(retried).toEqual([]);
    clock.advance(1000); // f's first round, 1 minute after start; h's default is 15 minutes, g never
    await vi.waitFor(() => expect(retried).toEqual([transient]));
    expect(requested).toEqual([{ flow: 'load', trigger: 'retry' }]);
    await vi.waitFor(() => expect(clock.pending).toBe(3)); // f waits for its next round
    clock.advance(60 * 60_000 - 60_000);
    await vi.waitFor(() => expect(purges).toHaveLength(2));
    expect(purges[1]?.toISOString()).toBe('2026-05-31T13:00:00.000Z');
    await hk.stop();
    expect(clock.pending).toBe(0); // no timer is left behind
    clock.advance(24 * 3_600_000);
    await new Promise((r) => setTimeout(r, 10));
    expect(purges).toHaveLength(2);
  });

  it('stop waits for the batch being retried (the flow is opened once for it) and starts no other round', async () => {
    const run = await startRun(store, 'f');
    const ids = await store.addErrors(
      [2, 3, 4].map((n) => errorRecord(run, { recordId: `line:${n}`, kind: 'transient', code: 'TIMEOUT' })),
    );
    let open: () => void = () => undefined;
    gate = new Promise((resolve) => {
      open = resolve;
    });
    const hk = make();
    hk.start();
    await vi.waitFor(() => expect(clock.pending).toBe(3));
    clock.advance(60_000);
    await vi.waitFor(() => expect(retried).toHaveLength(3));
    const stopping = hk.stop();
    open();
    await stopping;
    expect(retried).toEqual(ids); // one batch: the records of one flow and stage go through the flow together
    expect(requested).toEqual([{ flow: 'load', trigger: 'retry' }]); // the delivered ones go on down the pipeline
    clock.advance(60 * 60_000);
    await Promise.resolve();
    expect(retried).toHaveLength(3); // stopped: no later round
  });

  it('refuses a retention that is not a span', () => {
    expect(() => make('soon')).toThrow('--error-retention "soon" is not a span');
  });
});
