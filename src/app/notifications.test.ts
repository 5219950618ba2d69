import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { createRunEvents, type RunEvent } from '../engine/index.js';
import { startHttpServer, type TestHttpServer } from '../observe/test-helpers.js';
import { silentLogger, systemClock } from '../sdk/index.js';
import type { RunCounts, RunRow } from '../store/state-store.js';
import { subscribeNotifications } from './notifications.js';

let hook: TestHttpServer;
beforeAll(async () => {
  hook = await startHttpServer();
});
afterAll(() => hook.close());

const file = '/tmp/notify.yaml';
const project = (): ProjectDefinition => ({
  file,
  baseDir: '/tmp',
  connections: {},
  flows: { orders: { name: 'orders', where: 'x' } as FlowDefinition },
  notify: { interval: '10m', webhook: { url: hook.url } },
});
const at = new Date('2026-12-07T10:00:00Z');
const counts: RunCounts = { read: 3, written: 1, skipped: 0, failed: 2, steps: {}, destinations: {} };

/** A run of `orders` with two failed records on its first page, that ends `status`. */
function run(runId: number, flowFile: string, status: RunRow['status'], code = 'SQL_ERROR'): RunEvent[] {
  const failed = (errorId: number, recordId: string): RunEvent => ({
    type: 'record.failed',
    flow: 'orders',
    at,
    runId,
    errorId,
    recordId,
    stage: { kind: 'destination', name: 'erp' },
    code: 'RECORD_CONSTRAINT',
    kind: 'record',
    message: `record ${recordId} refused`,
  });
  const row: RunRow = {
    id: runId,
    flow: 'orders',
    status,
    trigger: 'cli',
    flowFile,
    startedAt: at,
    endedAt: at,
    heartbeatAt: at,
    host: 'h',
    pid: 1,
    pages: 1,
    counts,
    error: status === 'failed' ? { code, message: 'no such table: order_lines' } : null,
    resumedFrom: null,
  };
  return [
    { type: 'run.started', flow: 'orders', at, runId, trigger: 'cli', flowFile, resumedFrom: null },
    failed(runId * 10 + 1, 'line:2'),
    failed(runId * 10 + 2, 'line:3'),
    {
      type: 'page.committed',
      flow: 'orders',
      at,
      runId,
      seq: 1,
      records: 3,
      failed: 2,
      durationMs: 1,
      checkpointed: true,
      page: counts,
      counts,
      errorIds: [runId * 10 + 1, runId * 10 + 2],
    },
    { type: 'run.ended', flow: 'orders', at, runId, status, run: row },
  ];
}

describe('notifications from the event stream', () => {
  it("sends a page's failed records in one message naming their error ids, and a failed run; runs of other files are not this project's", async () => {
    hook.requests.length = 0;
    const events = createRunEvents(silentLogger);
    subscribeNotifications(events, { project: project(), clock: systemClock, log: silentLogger });
    for (const e of run(4, '/tmp/other.yaml', 'failed')) events.publish(e);
    for (const e of run(5, file, 'failed')) events.publish(e);
    // a run another took the flow over from: its end is not its own to tell (its errors are)
    for (const e of run(7, file, 'failed', 'RUN_LEASE_LOST'))
      if (e.type === 'run.started' || e.type === 'run.ended') events.publish(e);
    await events.close(); // sends what waits and closes the channels
    const bodies = hook.requests.map(
      (r) => JSON.parse(r.body) as { event: string; count?: number; runId?: number; samples?: { errorId: number }[] },
    );
    expect(bodies.map((b) => b.event).sort()).toEqual(['syncline.errors', 'syncline.run.failed']);
    const errors = bodies.find((b) => b.event === 'syncline.errors');
    expect(errors?.count).toBe(2);
    expect(errors?.samples?.map((s) => s.errorId)).toEqual([51, 52]);
    expect(bodies.find((b) => b.event === 'syncline.run.failed')?.runId).toBe(5);
  });

  it('close stops listening: later runs are not notified', async () => {
    hook.requests.length = 0;
    const events = createRunEvents(silentLogger);
    const notifications = subscribeNotifications(events, { project: project(), clock: systemClock, log: silentLogger });
    await notifications.close();
    for (const e of run(6, file, 'failed')) events.publish(e);
    await events.close();
    expect(hook.requests).toHaveLength(0);
  });
});
