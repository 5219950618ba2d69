import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { builtinCatalog } from '../cli/builtins.js';
import { ManualClock } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';
import { createSyncline, type Syncline } from './create-syncline.js';

const flowFile = `
connections:
  files: { type: file, dir: . }
  hooks: { type: webhook, auth: { type: none } }
flows:
  nightly:
    schedule: "*/5 * * * *"
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer } }
    destinations:
      - { connection: files, type: file.jsonl, path: nightly.jsonl, mode: append }
  orders:
    source: { connection: hooks, type: webhook.events, batch: { size: 1, maxWait: 1s } }
    destinations:
      - { connection: files, type: file.jsonl, path: orders.jsonl, mode: append }
  adhoc:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer } }
    destinations:
      - { connection: files, type: file.jsonl, path: adhoc.jsonl, mode: append }
`;

/** app.serve(): the use case behind `syncline serve`, in process, on a manual clock. */
describe('the serve use case', () => {
  let dir = '';
  let store: StateStore | undefined;
  let app: Syncline | undefined;
  afterEach(async () => {
    await app?.close();
    await store?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const setup = async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-serve-'));
    writeFileSync(join(dir, 'flow.yaml'), flowFile);
    writeFileSync(join(dir, 'in.csv'), 'id\n1\n2\n');
    store = await openStore(':memory:');
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 0, 1));
    const made = createSyncline({ store, catalog: builtinCatalog, clock });
    app = made;
    const ended: RunRow[] = [];
    made.events.subscribe((e) => {
      if (e.type === 'run.ended') ended.push(e.run);
    });
    const project = await made.projects.load(join(dir, 'flow.yaml'));
    return { app: made, clock, ended, project };
  };
  const lines = (name: string) => readFileSync(join(dir, name), 'utf8').split('\n').filter(Boolean);

  it('requests scheduled runs on the clock, runs webhook batches and manual requests, and checks API tokens', async () => {
    const { app, clock, ended, project } = await setup();
    const service = await app.serve(project);

    // the first start creates the API token; only a valid one is accepted
    expect(service.newToken).toEqual(expect.any(String));
    expect(await service.verifyToken(service.newToken as string)).toBe(true);
    expect(await service.verifyToken('not-a-token')).toBe(false);
    expect(await app.tokens.ensure()).toBeUndefined(); // it exists now

    // webhook flows get a hook; the others are listed with their schedule
    expect([...service.hooks.keys()]).toEqual(['orders']);
    expect(service.flows.list()).toEqual([
      { flow: 'nightly', schedule: '*/5 * * * *', timezone: null, nextRun: new Date(Date.UTC(2026, 5, 1, 0, 5)) },
      { flow: 'adhoc', schedule: null, timezone: null, nextRun: null },
    ]);
    await service.start();

    // the schedule's tick is a run request, run by the worker
    await clock.tick(4 * 60_000);
    await vi.waitFor(() =>
      expect(ended.map((r) => [r.flow, r.trigger, r.status])).toEqual([['nightly', 'schedule', 'succeeded']]),
    );
    expect(lines('nightly.jsonl')).toHaveLength(2);

    // an event persisted through the inbox and notified: the webhook trigger requests its run
    const hook = service.hooks.get('orders');
    const accepted = hook?.receiver.accept({
      headers: {},
      body: Buffer.from('{"id":7}'),
      receivedAt: clock.now(),
    });
    expect(accepted?.payload).toEqual({ id: 7 });
    await service.inbox.add({ flow: 'orders', eventId: 'e1', payload: '{"id":7}', receivedAt: clock.now() });
    hook?.notify();
    await vi.waitFor(() => expect(ended.some((r) => r.flow === 'orders' && r.trigger === 'webhook')).toBe(true));
    expect(lines('orders.jsonl').map((l) => JSON.parse(l))).toEqual([{ id: 7 }]);

    // POST /flows/<flow>/runs
    expect(await service.flows.trigger('adhoc')).toBe('started');
    await vi.waitFor(() => expect(ended.some((r) => r.flow === 'adhoc' && r.trigger === 'manual')).toBe(true));
    expect(lines('adhoc.jsonl')).toHaveLength(2);
  });

  it('stop() ends the schedules, timers, triggers and runs: nothing waits on the clock and no tick requests a run', async () => {
    const { app, clock, ended, project } = await setup();
    const service = await app.serve(project);
    await service.start();
    expect(clock.nextAt()).toBeDefined(); // the schedule, the retention purge, the auto-retry rounds
    await service.stop();
    expect(clock.nextAt()).toBeUndefined();
    await clock.tick(60 * 60_000);
    expect(ended).toEqual([]);
    expect(await app.runHistory.list({ limit: 10 })).toEqual([]);
    await service.stop(); // twice is fine
  });

  it('refuses a wrong --error-retention before anything starts', async () => {
    const { app, clock, project } = await setup();
    await expect(app.serve(project, { errorRetention: 'soon' })).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(clock.nextAt()).toBeUndefined();
  });
});
