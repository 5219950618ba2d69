import { describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { silentLogger, systemClock } from '../sdk/index.js';
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
    await expect(scheduler.trigger('nope', 'manual')).rejects.toThrow('no flow named "nope"');
    await scheduler.stop();
    expect(await scheduler.trigger('f', 'manual')).toBe('skipped');
    expect(requests).toEqual(['f/manual', 'f/manual']);
  });

  it('requests a run at every tick of a flow schedule', async () => {
    const requests: string[] = [];
    const scheduler = createScheduler({
      project: project('* * * * * *'),
      clock: systemClock,
      log: silentLogger,
      request: async (flow, trigger) => {
        requests.push(`${flow}/${trigger}`);
        return 'started';
      },
    });
    expect(scheduler.scheduled).toEqual(['f']);
    expect(scheduler.nextRun('f')).toBeInstanceOf(Date);
    await new Promise((r) => setTimeout(r, 1100));
    await scheduler.stop();
    expect(requests.length).toBeGreaterThanOrEqual(1);
    expect(new Set(requests)).toEqual(new Set(['f/schedule']));
  });
});
