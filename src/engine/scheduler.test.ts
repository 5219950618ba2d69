import { describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { silentLogger, systemClock } from '../sdk/index.js';
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
    let started = 0;
    const releases: (() => void)[] = [];
    const scheduler = createScheduler({
      project: project(overlap),
      store,
      clock: systemClock,
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
    await new Promise((r) => setTimeout(r, 20));
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
});
