import { describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition, SyncDefinition } from '../config/definition.js';
import { ManualClock, silentLogger, systemClock } from '../sdk/index.js';
import { createScheduler, type TriggerOutcome } from './scheduler.js';

function project(schedule?: string): ProjectDefinition {
  const flow = { name: 'f', where: 'x', ...(schedule ? { schedule } : {}) } as FlowDefinition;
  return { file: '/tmp/s.yaml', baseDir: '/tmp', connections: {}, flows: { f: flow } };
}

describe('scheduler', () => {
  it('turns a manual start into a run request and passes on what became of it; nothing after stop', async () => {
    const requests: string[] = [];
    const outcomes: TriggerOutcome[] = ['started', 'queued'];
    const scheduler = createScheduler({
      project: project(),
      clock: systemClock,
      log: silentLogger,
      request: async (flow, trigger) => {
        requests.push(`${flow}/${trigger}`);
        return outcomes.shift() ?? 'skipped';
      },
    });
    expect(scheduler.scheduled).toEqual([]);
    expect(await scheduler.trigger('f', 'manual')).toBe('started');
    expect(await scheduler.trigger('f', 'manual')).toBe('queued');
    await expect(scheduler.trigger('nope', 'manual')).rejects.toThrow('no flow or sync named "nope"');
    await scheduler.stop();
    expect(await scheduler.trigger('f', 'manual')).toBe('skipped');
    expect(requests).toEqual(['f/manual', 'f/manual']);
  });

  it('requests a run at every tick of a flow schedule', async () => {
    const requests: string[] = [];
    const clock = new ManualClock(new Date('2026-01-01T00:00:00.200Z'));
    const scheduler = createScheduler({
      project: project('* * * * * *'),
      clock,
      log: silentLogger,
      request: async (flow, trigger) => {
        requests.push(`${flow}/${trigger}`);
        return 'started';
      },
    });
    expect(scheduler.scheduled).toEqual(['f']);
    expect(scheduler.nextRun('f')).toBeInstanceOf(Date);
    await clock.tick(3_500);
    await scheduler.stop();
    expect(requests).toEqual(['f/schedule', 'f/schedule', 'f/schedule']);
  });

  it('fires a sync with a schedule exactly like a flow, and starts one on request', async () => {
    const requests: string[] = [];
    const clock = new ManualClock(new Date('2026-01-01T00:00:00.200Z'));
    const sync = { name: 'customers', where: 'x', schedule: '*/2 * * * * *' } as SyncDefinition;
    const scheduler = createScheduler({
      project: { ...project(), syncs: { customers: sync } },
      clock,
      log: silentLogger,
      request: async (flow, trigger) => {
        requests.push(`${flow}/${trigger}`);
        return 'started';
      },
    });
    expect(scheduler.scheduled).toEqual(['customers']);
    expect(scheduler.nextRun('customers')).toEqual(new Date('2026-01-01T00:00:02.000Z'));
    await clock.tick(4_000);
    expect(await scheduler.trigger('customers', 'manual')).toBe('started');
    await scheduler.stop();
    expect(requests).toEqual(['customers/schedule', 'customers/schedule', 'customers/manual']);
  });

  /** A scheduler over flows with cron schedules in Berlin time, on a manual clock; the times each flow ran. */
  async function berlin(schedules: Record<string, string>, start: string) {
    const clock = new ManualClock(new Date(start));
    const flows = Object.fromEntries(
      Object.entries(schedules).map(([name, schedule]) => [
        name,
        { name, where: 'x', schedule, timezone: 'Europe/Berlin' } as FlowDefinition,
      ]),
    );
    const fired: Record<string, string[]> = Object.fromEntries(Object.keys(schedules).map((f) => [f, []]));
    const scheduler = createScheduler({
      project: { file: '/tmp/s.yaml', baseDir: '/tmp', connections: {}, flows },
      clock,
      log: silentLogger,
      request: async (flow) => {
        fired[flow]?.push(clock.now().toISOString());
        return 'started';
      },
    });
    return { clock, scheduler, fired };
  }

  it('crosses the spring-forward change on the clock: 02:30 (a time that does not exist) runs at 03:00, hourly runs every real hour', async () => {
    const wall = performance.now();
    // Europe/Berlin, last Sunday of March 2026: 02:00 CET (01:00Z) becomes 03:00 CEST
    const { clock, scheduler, fired } = await berlin(
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
  });

  it('crosses the fall-back change: 02:30 runs once, hourly runs on both 02:00s', async () => {
    const wall = performance.now();
    // last Sunday of October 2026: 03:00 CEST (01:00Z) becomes 02:00 CET again
    const { clock, scheduler, fired } = await berlin(
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
  });
});
