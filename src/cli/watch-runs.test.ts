import { describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { createRunEvents, type RunEvent } from '../engine/index.js';
import { silentLogger } from '../sdk/index.js';
import type { RunCounts, RunRow } from '../store/state-store.js';
import type { ProgressDisplay } from './progress-display.js';
import { pipelineFlows, watchRuns } from './watch-runs.js';

const at = new Date('2026-12-07T10:00:00Z');
const counts = (read: number): RunCounts => ({
  read,
  written: read,
  skipped: 0,
  failed: 0,
  steps: {},
  destinations: {},
});
const row = (id: number, flow: string): RunRow => ({
  id,
  flow,
  status: 'succeeded',
  trigger: 'cli',
  flowFile: null,
  startedAt: at,
  endedAt: at,
  heartbeatAt: at,
  host: 'h',
  pid: 1,
  pages: 1,
  counts: counts(10),
  error: null,
  resumedFrom: null,
});
const started = (runId: number, flow: string): RunEvent => ({
  type: 'run.started',
  flow,
  at,
  runId,
  trigger: 'cli',
  flowFile: null,
  resumedFrom: null,
});
const progress = (runId: number, flow: string, read: number): RunEvent => ({
  type: 'run.progress',
  flow,
  at,
  runId,
  pages: 1,
  counts: counts(read),
  elapsedMs: 100,
  resumedFrom: null,
});
const ended = (runId: number, flow: string): RunEvent => ({
  type: 'run.ended',
  flow,
  at,
  runId,
  status: 'succeeded',
  run: row(runId, flow),
});

describe('watchRuns', () => {
  it("shows the pipeline's runs only, by run id, each with its own display, and hands each run on as it ends", () => {
    const events = createRunEvents(silentLogger);
    const shown: string[] = [];
    const display = (flow: string): ProgressDisplay => ({
      update: (p) => shown.push(`${flow} ${p.runId} read ${p.counts.read}`),
      finish: (run) => shown.push(`${flow} ${run.id} finished`),
      stop: () => shown.push(`${flow} stopped`),
    });
    const endedRuns: number[] = [];
    const flows = new Set(['extract', 'load']);
    const unwatch = watchRuns(events, flows, { display, ended: (r) => endedRuns.push(r.id) });
    for (const e of [
      progress(1, 'extract', 5), // before it started (for this watcher): not one of its runs
      started(1, 'extract'),
      started(9, 'other'), // another flow's run in the same process
      progress(1, 'extract', 10),
      progress(9, 'other', 99),
      ended(1, 'extract'),
      started(2, 'load'),
      progress(2, 'load', 4),
      ended(9, 'other'),
    ])
      events.publish(e);
    unwatch();
    events.publish(ended(2, 'load')); // after unwatch: not heard
    expect(shown).toEqual([
      'extract 1 read 10',
      'extract 1 finished',
      'load 2 read 4',
      'load stopped', // still showing when unwatched
    ]);
    expect(endedRuns).toEqual([1]);
  });

  it('without a display (--json) it still hands each run on', () => {
    const events = createRunEvents(silentLogger);
    const endedRuns: number[] = [];
    watchRuns(events, new Set(['a']), { ended: (r) => endedRuns.push(r.id) });
    for (const e of [started(1, 'a'), progress(1, 'a', 1), ended(1, 'a')]) events.publish(e);
    expect(endedRuns).toEqual([1]);
  });

  it('the flows of a pipeline: the flow and every stage after it', () => {
    const flow = (name: string, next?: string[]) => ({ name, ...(next ? { next } : {}) }) as FlowDefinition;
    const project = {
      flows: {
        a: flow('a', ['b', 'c']),
        b: flow('b', ['d']),
        c: flow('c'),
        d: flow('d'),
        other: flow('other', ['a']),
      },
    } as unknown as ProjectDefinition;
    expect([...pipelineFlows(project, 'a')].sort()).toEqual(['a', 'b', 'c', 'd']);
    expect([...pipelineFlows(project, 'c')]).toEqual(['c']);
    // a sync is its own run: followed by its name
    const withSync = { ...project, syncs: { customers: { name: 'customers' } } } as unknown as ProjectDefinition;
    expect([...pipelineFlows(withSync, 'customers')]).toEqual(['customers']);
  });
});
