import { describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { ManualClock, silentLogger } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { RunRow } from '../store/state-store.js';
import { createScheduler } from './scheduler.js';

function project(overlap?: 'skip' | 'queue'): ProjectDefinition {
  const flow = { name: 'f', where: 'x', ...(overlap ? { overlap } : {}) } as FlowDefinition;
  return { file: '/tmp/s.yaml', baseDir: '/tmp', connections: {}, flows: { f: flow } };
}

describe('scheduler', () => {
  it.each([
    ['skip', 'skipped', 1, 1],
    ['queue', 'queued', 2, 0],
  ] as const)('overlap %s: a start while the flow runs is %s', async (overlap, outcome, runs, skippedRows) => {
    const store = await openStore(':memory:');
    const clock = new ManualClock();
    let started = 0;
    const releases: (() => void)[] = [];
    const scheduler = createScheduler({
      project: project(overlap),
      store,
      clock,
      log: silentLogger,
      host: 'h',
      pid: 1,
      run: () => {
        started += 1;
        return new Promise<RunRow>((resolve) =>
          releases.push(() => resolve({ id: started, status: 'succeeded', counts: { read: 0 } } as RunRow)),
        );
      },
    });
    expect(await scheduler.trigger('f', 'manual')).toBe('started');
    expect(await scheduler.trigger('f', 'manual')).toBe(outcome);
    releases[0]?.();
    await clock.tick(0); // the queued run starts once the first one has ended
    expect(started).toBe(runs);
    releases[1]?.();
    await scheduler.stop();
    const rows = await store.listRuns({ flow: 'f' });
    expect(rows.filter((r) => r.status === 'skipped')).toHaveLength(skippedRows);
    if (skippedRows)
      expect(rows[0]?.error).toMatchObject({ code: 'RUN_SKIPPED', message: expect.stringContaining('still running') });
    await expect(scheduler.trigger('nope', 'manual')).rejects.toThrow('no flow named "nope"');
    await store.close();
  });

  /** A scheduler over flows with cron schedules in Berlin time, on a manual clock; the times each flow ran. */
  async function berlin(schedules: Record<string, string>, start: string) {
    const store = await openStore(':memory:');
    const clock = new ManualClock(new Date(start));
    const flows = Object.fromEntries(
      Object.entries(schedules).map(([name, schedule]) => [
        name,
        { name, where: 'x', schedule, timezone: 'Europe/Berlin' } as FlowDefinition,
      ]),
    );
    const fired: Record<string, string[]> = Object.fromEntries(Object.keys(schedules).map((f) => [f, []]));
    let id = 0;
    const scheduler = createScheduler({
      project: { file: '/tmp/s.yaml', baseDir: '/tmp', connections: {}, flows },
      store,
      clock,
      log: silentLogger,
      host: 'h',
      pid: 1,
      run: async (_p, flow) => {
        fired[flow]?.push(clock.now().toISOString());
        id += 1;
        return { id, status: 'succeeded', counts: { read: 0 } } as RunRow;
      },
    });
    return { store, clock, scheduler, fired };
  }

  it('crosses the spring-forward change on the clock: 02:30 (a time that does not exist) runs at 03:00, hourly runs every real hour', async () => {
    const wall = performance.now();
    // Europe/Berlin, last Sunday of March 2026: 02:00 CET (01:00Z) becomes 03:00 CEST
    const { store, clock, scheduler, fired } = await berlin(
      { daily: '30 2 * * *', hourly: '0 * * * *' },
      '2026-03-28T00:00:00Z',
    );
    expect(scheduler.nextRun('daily')?.toISOString()).toBe('2026-03-28T01:30:00.000Z');
    await clock.tick(3 * 86_400_000);
    expect(fired.daily).toEqual([
      '2026-03-28T01:30:00.000Z', // 02:30 CET
      '2026-03-29T01:00:00.000Z', // 02:30 does not exist that day: croner runs it at 03:00 CEST, the same day
      '2026-03-30T00:30:00.000Z', // 02:30 CEST
    ]);
    // every real hour, 72 of them, none skipped or doubled although the local hour 02:00 is missing
    expect(fired.hourly).toHaveLength(72);
    const hours = (fired.hourly ?? []).map((t) => Date.parse(t));
    expect(hours.every((t, i) => i === 0 || t - (hours[i - 1] ?? 0) === 3_600_000)).toBe(true);
    expect(fired.hourly?.[0]).toBe('2026-03-28T01:00:00.000Z'); // the next after the start, not the start itself
    expect(fired.hourly?.at(-1)).toBe('2026-03-31T00:00:00.000Z');
    expect(scheduler.nextRun('hourly')?.toISOString()).toBe('2026-03-31T01:00:00.000Z');
    await scheduler.stop();
    await clock.tick(86_400_000);
    expect(fired.daily).toHaveLength(3); // stopped: nothing more
    expect(clock.timers).toBe(0);
    expect(performance.now() - wall).toBeLessThan(1000);
    await store.close();
  });

  it('crosses the fall-back change: 02:30 runs once, hourly runs on both 02:00s', async () => {
    const wall = performance.now();
    // last Sunday of October 2026: 03:00 CEST (01:00Z) becomes 02:00 CET again
    const { store, clock, scheduler, fired } = await berlin(
      { daily: '30 2 * * *', hourly: '0 * * * *' },
      '2026-10-24T22:00:00Z',
    );
    await clock.tick(6 * 3_600_000);
    expect(fired.daily).toEqual(['2026-10-25T00:30:00.000Z']); // the first 02:30 (CEST) only
    expect(fired.hourly).toEqual([
      '2026-10-24T23:00:00.000Z', // 01:00 CEST
      '2026-10-25T00:00:00.000Z', // 02:00 CEST
      '2026-10-25T01:00:00.000Z', // 02:00 CET
      '2026-10-25T02:00:00.000Z', // 03:00 CET
      '2026-10-25T03:00:00.000Z',
      '2026-10-25T04:00:00.000Z',
    ]);
    await scheduler.stop();
    expect(performance.now() - wall).toBeLessThan(1000);
    await store.close();
  });
});
