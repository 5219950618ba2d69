import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addEvent, startRun } from '../../test/store/store-fixtures.js';
import type { ProjectDefinition } from '../config/definition.js';
import { ManualClock, type Receiver, silentLogger } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { RunRow, RunStatus, StateStore } from '../store/state-store.js';
import { createEventTrigger } from './event-trigger.js';

const receiver: Receiver = {
  maxBytes: 1024,
  batchSize: 3,
  maxWaitMs: 500,
  retentionMs: 86_400_000,
  accept: () => ({ eventId: null, payload: {} }),
};
const project = { file: 'f.yaml', baseDir: '.', connections: {}, flows: {} } as ProjectDefinition;

describe('event trigger: micro-batches of webhook events', () => {
  let store: StateStore;
  let runs: number;
  let outcome: RunStatus;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock(Date.now());
    store = await openStore(':memory:');
    runs = 0;
    outcome = 'succeeded';
  });
  afterEach(async () => {
    await store.close();
  });

  /** A run that "handles" every waiting event: it moves the checkpoint to the last one (unless it fails). */
  async function run(): Promise<RunRow> {
    runs += 1;
    const row = await startRun(store, 'hooks', new Date(), { trigger: 'webhook' });
    const events = await store.readInbox('hooks', 0, 1000);
    const last = events.at(-1);
    if (outcome !== 'failed' && last) {
      await store.commitPage({
        runId: row.id,
        flow: 'hooks',
        seq: 1,
        checkpoint: last.seq,
        records: events.length,
        failed: 0,
        durationMs: 1,
        counts: row.counts,
        errors: [],
        at: new Date(),
      });
    }
    await store.updateRun(row.id, { status: outcome, endedAt: new Date() });
    return { ...row, status: outcome };
  }

  const trigger = () =>
    createEventTrigger({ project, flow: 'hooks', receiver, store, clock, log: silentLogger, request: run });
  const accept = async (t: ReturnType<typeof trigger>) => {
    await addEvent(store, { flow: 'hooks', eventId: null, payload: '{}', receivedAt: new Date() });
    t.notify();
  };

  it('starts a run once batchSize events wait', async () => {
    const t = trigger();
    await accept(t);
    await accept(t);
    expect(runs).toBe(0);
    await accept(t);
    await clock.tick(0);
    expect(runs).toBe(1);
    await t.stop();
  });

  it('starts a run maxWait after the first event when the batch does not fill', async () => {
    const t = trigger();
    await accept(t);
    await clock.tick(499);
    expect(runs).toBe(0);
    await clock.tick(1);
    expect(runs).toBe(1);
    await clock.tick(10_000);
    expect(runs).toBe(1); // nothing left: no empty runs
    await t.stop();
  });

  it('handles events left from before at start, and none when nothing waits', async () => {
    await addEvent(store, { flow: 'hooks', eventId: null, payload: '{}', receivedAt: new Date() });
    const t = trigger();
    await t.start();
    await clock.tick(0);
    expect(runs).toBe(1);
    const idle = trigger();
    await idle.start();
    await clock.tick(0);
    expect(runs).toBe(1);
    await t.stop();
    await idle.stop();
  });

  it('starts a run at start when a killed process left one marked running, even with nothing waiting', async () => {
    await startRun(store, 'hooks', new Date(), { trigger: 'webhook' });
    const t = trigger();
    await t.start();
    await clock.tick(0);
    expect(runs).toBe(1);
    await t.stop();
  });

  it('backs off after failed runs (1 s, 2 s, 4 s …) and goes on once a run succeeds', async () => {
    outcome = 'failed';
    const t = trigger();
    for (let i = 0; i < 3; i++) await accept(t);
    await clock.tick(0);
    expect(runs).toBe(1);
    await clock.tick(999);
    expect(runs).toBe(1);
    await clock.tick(1);
    expect(runs).toBe(2);
    await accept(t); // an event during the back-off does not cut it short
    expect(runs).toBe(2);
    await clock.tick(2000);
    expect(runs).toBe(3);
    outcome = 'succeeded';
    await clock.tick(4000);
    expect(runs).toBe(4);
    await clock.tick(60_000);
    expect(runs).toBe(4);
    await t.stop();
  });

  it('starts nothing after stop', async () => {
    const t = trigger();
    await t.stop();
    for (let i = 0; i < 5; i++) await accept(t);
    await clock.tick(5000);
    expect(runs).toBe(0);
  });
});
