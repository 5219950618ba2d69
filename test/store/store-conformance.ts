import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sameStage } from '../../src/sdk/index.js';
import type { ErrorFilter, StateStore } from '../../src/store/index.js';
import { describeErrorConformance } from './error-conformance.js';
import { describeLeaseConformance } from './lease-conformance.js';
import { addEvent, at, counts, errorRecord, jsonSamples, nestedPayload, page, startRun } from './store-fixtures.js';

/**
 * The behaviour every StateStore must have. `open` must return an EMPTY store each call; the suite
 * closes each store after its test. `location`, when given, returns the address (`openStore`) of a
 * fresh, empty store that other processes can open too (the lease race).
 */
export function describeStoreConformance(
  name: string,
  open: () => Promise<StateStore>,
  location?: () => Promise<string>,
): void {
  describe(`StateStore conformance: ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('runs', () => {
      it('creates a running run with zero counts and every field round-tripped', async () => {
        const run = await startRun(store, 'orders', at(0), { resumedFrom: 7, flowFile: null });
        expect(run).toEqual({
          id: expect.any(Number),
          flow: 'orders',
          status: 'running',
          trigger: 'cli',
          flowFile: null,
          startedAt: at(0),
          endedAt: null,
          heartbeatAt: at(0),
          host: 'box-1',
          pid: 4242,
          pages: 0,
          counts: { read: 0, written: 0, skipped: 0, failed: 0, steps: {}, destinations: {} },
          error: null,
          resumedFrom: 7,
        });
        expect(await store.getRun(run.id)).toEqual(run);
        await store.updateRun(run.id, { status: 'succeeded', endedAt: at(1) });
        const second = await startRun(store, 'orders', at(1));
        expect(second.id).toBeGreaterThan(run.id);
      });

      it('admits one running run per flow: a second is refused with RUN_ALREADY_ACTIVE', async () => {
        const first = await startRun(store, 'orders');
        await expect(startRun(store, 'orders', at(1))).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
        const elsewhere = await startRun(store, 'customers', at(1));
        expect(elsewhere.id).toBeGreaterThan(first.id);
        await store.updateRun(first.id, { status: 'failed', endedAt: at(2) });
        expect((await startRun(store, 'orders', at(3))).status).toBe('running');
        expect(await store.listRuns({ flow: 'orders', status: 'running' })).toHaveLength(1);
      });

      it('updates only the patched fields, and an empty patch changes nothing', async () => {
        const run = await startRun(store, 'orders');
        await store.updateRun(run.id, {});
        expect(await store.getRun(run.id)).toEqual(run);
        await store.updateRun(run.id, {
          status: 'failed',
          endedAt: at(5000),
          heartbeatAt: at(4000),
          pages: 3,
          counts: counts(3000, 2990, 10),
          error: { code: 'INTERNAL', message: 'boom', hint: 'report it' },
        });
        expect(await store.getRun(run.id)).toEqual({
          ...run,
          status: 'failed',
          endedAt: at(5000),
          heartbeatAt: at(4000),
          pages: 3,
          counts: counts(3000, 2990, 10),
          error: { code: 'INTERNAL', message: 'boom', hint: 'report it' },
        });
        await store.updateRun(run.id, { status: 'running', endedAt: null, error: null });
        const back = await store.getRun(run.id);
        expect([back?.status, back?.endedAt, back?.error, back?.pages]).toEqual(['running', null, null, 3]);
      });

      it('returns undefined for an unknown run', async () => {
        expect(await store.getRun(987654)).toBeUndefined();
      });

      it('lists runs newest first, filtered by flow and status, limited', async () => {
        const a1 = await startRun(store, 'a', at(1000));
        await store.updateRun(a1.id, { status: 'canceled', endedAt: at(1500) });
        const b1 = await startRun(store, 'b', at(2000));
        const a2 = await startRun(store, 'a', at(3000));
        await store.updateRun(a2.id, { status: 'succeeded', endedAt: at(3500) });
        const a3 = await startRun(store, 'a', at(3000));
        const ids = async (filter?: Parameters<StateStore['listRuns']>[0]) =>
          (await store.listRuns(filter)).map((r) => r.id);
        expect(await ids()).toEqual([a3.id, a2.id, b1.id, a1.id]);
        expect(await ids({ flow: 'a' })).toEqual([a3.id, a2.id, a1.id]);
        expect(await ids({ flow: 'a', status: 'running' })).toEqual([a3.id]);
        expect(await ids({ flow: 'a', status: 'canceled' })).toEqual([a1.id]);
        expect(await ids({ status: 'succeeded' })).toEqual([a2.id]);
        expect(await ids({ flow: 'a', limit: 2 })).toEqual([a3.id, a2.id]);
        expect(await ids({ flow: 'nope' })).toEqual([]);
      });

      it('finds the running run of a flow as the active one', async () => {
        expect(await store.activeRun('orders')).toBeUndefined();
        const old = await startRun(store, 'orders', at(1000));
        await store.updateRun(old.id, { status: 'canceled', endedAt: at(1500) });
        const newer = await startRun(store, 'orders', at(2000));
        await startRun(store, 'other', at(3000));
        expect((await store.activeRun('orders'))?.id).toBe(newer.id);
        await store.updateRun(newer.id, { status: 'completed_with_errors', endedAt: at(2600) });
        expect(await store.activeRun('orders')).toBeUndefined();
      });
    });

    describe('secrets', () => {
      it('stores sealed values by name, replaces, lists by name and deletes', async () => {
        expect(await store.listSecrets()).toEqual([]);
        await store.putSecret('B_TOKEN', 'v1:k:sealed-b', at(1000));
        await store.putSecret('A_TOKEN', 'v1:k:sealed-a', at(1000));
        await store.putSecret('B_TOKEN', 'v1:k:sealed-b2', at(2000));
        expect(await store.listSecrets()).toEqual([
          { name: 'A_TOKEN', sealed: 'v1:k:sealed-a', updatedAt: at(1000) },
          { name: 'B_TOKEN', sealed: 'v1:k:sealed-b2', updatedAt: at(2000) },
        ]);
        expect(await store.getSecret('B_TOKEN')).toEqual({
          name: 'B_TOKEN',
          sealed: 'v1:k:sealed-b2',
          updatedAt: at(2000),
        });
        expect(await store.getSecret('NOPE')).toBeUndefined();
        expect(await store.deleteSecret('A_TOKEN')).toBe(true);
        expect(await store.deleteSecret('A_TOKEN')).toBe(false);
        expect((await store.listSecrets()).map((s) => s.name)).toEqual(['B_TOKEN']);
      });
    });

    describe('api tokens', () => {
      it('stores hashes by name, replaces on rotation, lists by name and deletes', async () => {
        expect(await store.listApiTokens()).toEqual([]);
        await store.putApiToken('default', 'a'.repeat(64), at(1000));
        await store.putApiToken('ci', 'b'.repeat(64), at(1500));
        await store.putApiToken('default', 'c'.repeat(64), at(2000));
        expect(await store.listApiTokens()).toEqual([
          { name: 'ci', hash: 'b'.repeat(64), createdAt: at(1500) },
          { name: 'default', hash: 'c'.repeat(64), createdAt: at(2000) },
        ]);
        expect(await store.deleteApiToken('ci')).toBe(true);
        expect(await store.deleteApiToken('ci')).toBe(false);
        expect((await store.listApiTokens()).map((t) => t.name)).toEqual(['default']);
      });
    });

    describe('commitPage', () => {
      it('stores the page, its errors, the checkpoint and the run counts together', async () => {
        const run = await startRun(store, 'orders');
        const failed = errorRecord(run, { recordId: 'line:7' });
        await store.commitPage(page(run, 1, { offset: 1000 }));
        await store.commitPage(
          page(run, 2, { offset: 2000 }, { failed: 1, errors: [failed], counts: counts(2000, 1999, 1) }),
        );
        expect(await store.listPages(run.id)).toEqual([
          {
            runId: run.id,
            seq: 1,
            records: 1000,
            failed: 0,
            durationMs: 12,
            checkpoint: { offset: 1000 },
            committedAt: at(1000),
          },
          {
            runId: run.id,
            seq: 2,
            records: 1000,
            failed: 1,
            durationMs: 12,
            checkpoint: { offset: 2000 },
            committedAt: at(2000),
          },
        ]);
        expect(await store.getCheckpoint('orders')).toEqual({
          flow: 'orders',
          runId: run.id,
          checkpoint: { offset: 2000 },
          updatedAt: at(2000),
        });
        const after = await store.getRun(run.id);
        expect([after?.pages, after?.counts, after?.heartbeatAt]).toEqual([2, counts(2000, 1999, 1), at(2000)]);
        const errors = await store.listErrors({ runId: run.id });
        expect(errors.map((e) => [e.recordId, e.status, e.flow])).toEqual([['line:7', 'open', 'orders']]);
      });

      it('updates an open error record that fails the same way again instead of storing it twice', async () => {
        const first = await startRun(store, 'orders');
        await store.commitPage(
          page(first, 1, 'a', {
            failed: 2,
            errors: [errorRecord(first, { recordId: 'line:7' }), errorRecord(first, { recordId: 'line:9' })],
          }),
        );
        await store.updateRun(first.id, { status: 'completed_with_errors', endedAt: at(2000) });
        const [nine] = await store.listErrors({ flow: 'orders' });
        if (!nine) throw new Error('expected an error record');
        await store.updateError(nine.id, { status: 'resolved', updatedAt: at(1500) });
        const second = await startRun(store, 'orders', at(3000));
        const again = errorRecord(second, { recordId: 'line:7', message: 'still bad', createdAt: at(3000) });
        const otherStage = errorRecord(second, {
          recordId: 'line:7',
          stage: { kind: 'destination', name: 'erp' },
          createdAt: at(3000),
        });
        const reopened = errorRecord(second, { recordId: 'line:9', createdAt: at(3000) });
        await store.commitPage(page(second, 1, 'b', { failed: 3, errors: [again, otherStage, reopened] }));
        const all = await store.listErrors({ flow: 'orders' });
        expect(all).toHaveLength(4);
        const seven = all.filter((e) => e.recordId === 'line:7' && sameStage(e.stage, again.stage));
        expect(seven.map((e) => [e.runId, e.attempts, e.message, e.payload, e.updatedAt])).toEqual([
          [second.id, 2, 'still bad', again.payload, at(3000)],
        ]);
        expect(
          all
            .filter((e) => e.recordId === 'line:9')
            .map((e) => e.status)
            .sort(),
        ).toEqual(['open', 'resolved']);
      });

      it('stores a different record at the same position as a new error record, never replacing a payload', async () => {
        const first = await startRun(store, 'daily');
        const monday = errorRecord(first, { recordId: 'line:3', fingerprint: 'monday-row', payload: { id: 2 } });
        await store.commitPage(page(first, 1, 'a', { failed: 1, errors: [monday] }));
        await store.updateRun(first.id, { status: 'completed_with_errors', endedAt: at(2000) });
        // Tuesday's export, rewritten under the same name, has another bad row on line 3
        const second = await startRun(store, 'daily', at(3000));
        const tuesday = errorRecord(second, {
          recordId: 'line:3',
          fingerprint: 'tuesday-row',
          payload: { id: 8 },
          createdAt: at(3000),
        });
        // and without fingerprints, a different payload is a different record too
        const unprinted = errorRecord(second, { recordId: 'line:3', payload: { id: 9 }, createdAt: at(3000) });
        await store.commitPage(page(second, 1, 'b', { failed: 2, errors: [tuesday, unprinted] }));
        const open = await store.listErrors({ flow: 'daily', status: 'open' });
        const byPayload = (a: { payload: { id?: unknown } }, b: { payload: { id?: unknown } }) =>
          Number(a.payload.id) - Number(b.payload.id);
        expect(open.sort(byPayload).map((e) => [e.payload, e.attempts, e.runId])).toEqual([
          [{ id: 2 }, 1, first.id],
          [{ id: 8 }, 1, second.id],
          [{ id: 9 }, 1, second.id],
        ]);
        // the same row again: the same record, one more attempt
        await store.commitPage(page(second, 2, 'c', { failed: 1, errors: [{ ...tuesday, createdAt: at(4000) }] }));
        const after = await store.listErrors({ flow: 'daily', status: 'open' });
        expect(after.sort(byPayload).map((e) => [e.payload, e.attempts])).toEqual([
          [{ id: 2 }, 1],
          [{ id: 8 }, 2],
          [{ id: 9 }, 1],
        ]);
      });

      it('stores no checkpoint when the page has none, keeping the previous one', async () => {
        const run = await startRun(store, 'orders');
        await store.commitPage(page(run, 1, undefined));
        expect(await store.getCheckpoint('orders')).toBeUndefined();
        await store.commitPage(page(run, 2, 'cursor-2'));
        await store.commitPage(page(run, 3, undefined));
        expect((await store.getCheckpoint('orders'))?.checkpoint).toBe('cursor-2');
        expect((await store.listPages(run.id)).map((p) => p.checkpoint)).toEqual([null, 'cursor-2', null]);
        expect((await store.getRun(run.id))?.pages).toBe(3);
      });

      it('keeps a JSON null checkpoint as a checkpoint (not as none)', async () => {
        const run = await startRun(store, 'orders');
        await store.commitPage(page(run, 1, null));
        expect(await store.getCheckpoint('orders')).toEqual({
          flow: 'orders',
          runId: run.id,
          checkpoint: null,
          updatedAt: at(1000),
        });
      });

      it('is atomic: a failing error record leaves no page, no errors, no checkpoint and unchanged counts', async () => {
        const run = await startRun(store, 'orders');
        await store.commitPage(page(run, 1, 'cp-1', { counts: counts(1000, 1000) }));
        // 600 errors span two INSERT chunks; the bad one is in the second, after the first was written.
        const errors = Array.from({ length: 600 }, (_, i) => errorRecord(run, { recordId: `line:${i}` }));
        errors[550] = errorRecord(run, { message: null as unknown as string });
        const bad = page(run, 2, 'cp-2', { failed: 600, errors, counts: counts(2000, 1400, 600) });
        await expect(store.commitPage(bad)).rejects.toThrow();
        expect((await store.listPages(run.id)).map((p) => p.seq)).toEqual([1]);
        expect(await store.countErrors({ runId: run.id })).toBe(0);
        expect((await store.getCheckpoint('orders'))?.checkpoint).toBe('cp-1');
        const after = await store.getRun(run.id);
        expect([after?.pages, after?.counts, after?.heartbeatAt]).toEqual([1, counts(1000, 1000), at(1000)]);
        // The store is still usable and the same page can be committed once fixed.
        errors[550] = errorRecord(run, { recordId: 'line:550' });
        await store.commitPage({ ...bad, errors });
        expect(await store.countErrors({ runId: run.id })).toBe(600);
        expect((await store.getCheckpoint('orders'))?.checkpoint).toBe('cp-2');
      });

      it('stores the ids destinations returned with the page, listed by run, destination and record', async () => {
        const run = await startRun(store, 'orders');
        // 250 ids span three INSERT chunks
        const crm = Array.from({ length: 250 }, (_, i) => ({
          destination: 'crm',
          recordId: `line:${i + 2}`,
          recordKey: `o-${i}`,
          id: `c-${i}`,
        }));
        await store.commitPage(page(run, 1, 'cp-1', { ids: crm }));
        await store.commitPage(page(run, 2, 'cp-2', { ids: [{ destination: 'erp', recordId: 'line:900', id: '77' }] }));
        const all = await store.listReturnedIds({ runId: run.id, limit: 1000 });
        expect(all).toHaveLength(251);
        expect(all[0]).toEqual({
          runId: run.id,
          flow: 'orders',
          seq: 1,
          destination: 'crm',
          recordId: 'line:2',
          recordKey: 'o-0',
          id: 'c-0',
          at: at(1000),
        });
        expect(all.slice(0, 250).map((r) => r.id)).toEqual(crm.map((r) => r.id));
        expect(await store.listReturnedIds({ runId: run.id, destination: 'erp' })).toEqual([
          { runId: run.id, flow: 'orders', seq: 2, destination: 'erp', recordId: 'line:900', id: '77', at: at(2000) },
        ]);
        expect((await store.listReturnedIds({ flow: 'orders', record: 'o-7' })).map((r) => r.id)).toEqual(['c-7']);
        expect(await store.listReturnedIds({ runId: run.id, limit: 3 })).toHaveLength(3);
        // with the page, or not at all
        await expect(
          store.commitPage(page(run, 2, 'cp-x', { ids: [{ destination: 'erp', recordId: 'x', id: 'y' }] })),
        ).rejects.toThrow();
        expect(await store.listReturnedIds({ runId: run.id, record: 'x' })).toEqual([]);
      });

      it('rejects a page committed twice, changing nothing', async () => {
        const run = await startRun(store, 'orders');
        await store.commitPage(page(run, 1, 'cp-1'));
        await expect(store.commitPage(page(run, 1, 'cp-again', { errors: [errorRecord(run)] }))).rejects.toThrow();
        expect((await store.getCheckpoint('orders'))?.checkpoint).toBe('cp-1');
        expect(await store.countErrors()).toBe(0);
      });

      it('rejects a page of an unknown run (foreign key)', async () => {
        const run = await startRun(store, 'orders');
        await expect(store.commitPage(page({ ...run, id: run.id + 1000 }, 1, 'cp'))).rejects.toThrow();
        expect(await store.getCheckpoint('orders')).toBeUndefined();
      });
    });

    describe('checkpoints', () => {
      it('keeps one checkpoint per flow, taken over by the next run, and clears it', async () => {
        const first = await startRun(store, 'orders');
        const other = await startRun(store, 'customers');
        await store.commitPage(page(first, 1, { page: 1 }));
        await store.commitPage(page(other, 1, { page: 'c1' }));
        await store.updateRun(first.id, { status: 'failed', endedAt: at(4000) });
        const second = await startRun(store, 'orders', at(5000));
        await store.commitPage(page(second, 1, { page: 2 }, { at: at(6000) }));
        expect(await store.getCheckpoint('orders')).toEqual({
          flow: 'orders',
          runId: second.id,
          checkpoint: { page: 2 },
          updatedAt: at(6000),
        });
        await store.clearCheckpoint('orders');
        await store.clearCheckpoint('never-ran');
        expect(await store.getCheckpoint('orders')).toBeUndefined();
        expect((await store.getCheckpoint('customers'))?.checkpoint).toEqual({ page: 'c1' });
      });
    });

    describe('inbox', () => {
      const event = (flow: string, eventId: string | null, payload: string, t = 0) => ({
        flow,
        eventId,
        payload,
        receivedAt: at(t),
      });

      it('keeps events per flow in order, exactly as sent, and reads them after a position', async () => {
        const odd = '{"b":1,"a":"é\\u0000x","b":2}';
        const a = await addEvent(store, event('hooks', 'e1', '{"n":1}'));
        const b = await addEvent(store, event('other', 'e1', '{"n":2}'));
        const c = await addEvent(store, event('hooks', null, odd, 1));
        expect(a.duplicate || b.duplicate || c.duplicate).toBe(false);
        expect(c.seq).toBeGreaterThan(a.seq);
        const all = await store.readInbox('hooks', 0, 10);
        expect(all).toEqual([
          { seq: a.seq, eventId: 'e1', payload: { n: 1 }, receivedAt: at(0) },
          { seq: c.seq, eventId: null, payload: JSON.parse(odd), receivedAt: at(1) },
        ]);
        expect(await store.readInbox('hooks', a.seq, 10)).toHaveLength(1);
        expect(await store.readInbox('hooks', c.seq, 10)).toEqual([]);
        expect(await store.readInbox('hooks', 0, 1)).toHaveLength(1);
      });

      it('accepts an event id once per flow and reports the repeat with the first position', async () => {
        const first = await addEvent(store, event('hooks', 'evt-7', '{"v":1}'));
        const again = await addEvent(store, event('hooks', 'evt-7', '{"v":2}'));
        expect(again).toEqual({ seq: first.seq, duplicate: true });
        await addEvent(store, event('hooks', null, '{}'));
        await addEvent(store, event('hooks', null, '{}'));
        const events = await store.readInbox('hooks', 0, 10);
        expect(events.map((e) => e.payload)).toEqual([{ v: 1 }, {}, {}]);
      });

      it('stores a batch in one go, answering in order: ids matched, repeats within the batch and before flagged', async () => {
        const before = await addEvent(store, event('hooks', 'x', '{"v":0}'));
        const added = await store.addInboxEvents([
          event('hooks', null, '{"v":1}'),
          event('hooks', 'a', '{"v":2}'),
          event('other', 'a', '{"v":3}'),
          event('hooks', 'a', '{"v":4}'),
          event('hooks', null, '{"v":5}'),
          event('hooks', 'x', '{"v":6}'),
          event('hooks', 'b', '{"v":7}'),
        ]);
        expect(added.map((a) => a.duplicate)).toEqual([false, false, false, true, false, true, false]);
        expect(added[3]?.seq).toBe(added[1]?.seq);
        expect(added[5]?.seq).toBe(before.seq);
        const stored = await store.readInbox('hooks', 0, 100);
        expect(stored.map((e) => e.payload)).toEqual([{ v: 0 }, { v: 1 }, { v: 2 }, { v: 5 }, { v: 7 }]);
        const seqOf = new Map(stored.map((e) => [JSON.stringify(e.payload), e.seq]));
        expect([added[0], added[1], added[4], added[6]].map((a) => a?.seq)).toEqual(
          ['{"v":1}', '{"v":2}', '{"v":5}', '{"v":7}'].map((p) => seqOf.get(p)),
        );
        expect(await store.addInboxEvents([])).toEqual([]);
      });

      it('purges handled events older than the retention only', async () => {
        const old = await addEvent(store, event('hooks', 'a', '{}', 0));
        const handledButRecent = await addEvent(store, event('hooks', 'b', '{}', 10));
        const notHandled = await addEvent(store, event('hooks', 'c', '{}', 0));
        expect(await store.purgeInbox('hooks', handledButRecent.seq, at(5))).toBe(1);
        const left = await store.readInbox('hooks', 0, 10);
        expect(left.map((e) => e.seq)).toEqual([handledButRecent.seq, notHandled.seq]);
        expect(left.map((e) => e.seq)).not.toContain(old.seq);
        // a purged id is forgotten: accepted again
        expect((await addEvent(store, event('hooks', 'a', '{}', 20))).duplicate).toBe(false);
      });
    });

    describe('skipped runs', () => {
      it('records a skipped start beside a running run of the same flow, ended at once with its reason', async () => {
        const running = await startRun(store, 'sched', at(0));
        const skipped = await store.recordSkippedRun(
          {
            flow: 'sched',
            trigger: 'schedule',
            flowFile: '/f.yaml',
            host: 'box-1',
            pid: 1,
            startedAt: at(5),
            resumedFrom: null,
          },
          { code: 'RUN_SKIPPED', message: `run ${running.id} of the flow was still running` },
        );
        expect(skipped).toMatchObject({
          flow: 'sched',
          status: 'skipped',
          trigger: 'schedule',
          startedAt: at(5),
          endedAt: at(5),
        });
        expect(skipped.error).toEqual({
          code: 'RUN_SKIPPED',
          message: `run ${running.id} of the flow was still running`,
        });
        expect((await store.activeRun('sched'))?.id).toBe(running.id);
        expect((await store.listRuns({ flow: 'sched', status: 'skipped' })).map((r) => r.id)).toEqual([skipped.id]);
      });
    });

    describe('breakers', () => {
      it('saves, replaces, reads and lists circuit breaker states', async () => {
        expect(await store.getBreaker('erp#1')).toBeUndefined();
        await store.saveBreaker({
          key: 'erp#1',
          name: 'erp',
          state: 'open',
          failures: 5,
          openedAt: at(0),
          updatedAt: at(0),
        });
        await store.saveBreaker({
          key: 'api#2',
          name: 'api',
          state: 'closed',
          failures: 0,
          openedAt: null,
          updatedAt: at(1),
        });
        expect(await store.getBreaker('erp#1')).toEqual({
          key: 'erp#1',
          name: 'erp',
          state: 'open',
          failures: 5,
          openedAt: at(0),
          updatedAt: at(0),
        });
        await store.saveBreaker({
          key: 'erp#1',
          name: 'erp',
          state: 'half-open',
          failures: 5,
          openedAt: at(0),
          updatedAt: at(2),
        });
        expect((await store.listBreakers()).map((b) => [b.name, b.state])).toEqual([
          ['api', 'closed'],
          ['erp', 'half-open'],
        ]);
      });
    });

    describe('watermarks', () => {
      it('stores one value per flow and source, overwriting', async () => {
        expect(await store.getWatermark('orders', 'shop')).toBeUndefined();
        await store.setWatermark('orders', 'shop', '2026-01-01T00:00:00Z', at(1));
        await store.setWatermark('orders', 'erp', { id: 10 }, at(2));
        await store.setWatermark('other', 'shop', 5, at(3));
        await store.setWatermark('orders', 'shop', '2026-02-01T00:00:00Z', at(4));
        expect(await store.getWatermark('orders', 'shop')).toBe('2026-02-01T00:00:00Z');
        expect(await store.getWatermark('orders', 'erp')).toEqual({ id: 10 });
        expect(await store.getWatermark('other', 'shop')).toBe(5);
        await store.setWatermark('orders', 'null', null, at(5));
        expect(await store.getWatermark('orders', 'null')).toBeNull();
      });
    });

    describe('step state', () => {
      it('gets, replaces, scans in key order and clears by namespace and age', async () => {
        await store.putState(
          'dedupe:a',
          [
            { key: 'k2', value: 2 },
            { key: 'k1', value: { n: 1 } },
            { key: 'k2', value: 22 },
          ],
          at(1000),
        );
        await store.putState('dedupe:b', [{ key: 'k1', value: 'other' }], at(1000));
        await store.putState('dedupe:a', [{ key: 'k3', value: null }], at(3000));
        const got = await store.getState('dedupe:a', ['k1', 'k2', 'k9', 'k1']);
        expect([...got.entries()].sort()).toEqual([
          ['k1', { value: { n: 1 }, at: at(1000) }],
          ['k2', { value: 22, at: at(1000) }],
        ]);
        expect(await store.scanState('dedupe:a', undefined, 2)).toEqual([
          { key: 'k1', value: { n: 1 } },
          { key: 'k2', value: 22 },
        ]);
        expect(await store.scanState('dedupe:a', 'k2', 10)).toEqual([{ key: 'k3', value: null }]);
        expect(await store.clearState('dedupe:a', at(2000))).toBe(2);
        expect((await store.scanState('dedupe:a', undefined, 10)).map((e) => e.key)).toEqual(['k3']);
        expect(await store.clearState('dedupe:a')).toBe(1);
        expect((await store.getState('dedupe:b', ['k1'])).get('k1')?.value).toBe('other');
      });

      it('handles more keys than one statement binds', async () => {
        const entries = Array.from({ length: 2500 }, (_, i) => ({ key: `k${String(i).padStart(5, '0')}`, value: i }));
        await store.putState('big', entries, at(1000));
        const got = await store.getState(
          'big',
          entries.map((e) => e.key),
        );
        expect(got.size).toBe(2500);
        expect(got.get('k02499')?.value).toBe(2499);
      });

      it('commits state writes and the watermark with the page, or not at all', async () => {
        const run = await startRun(store, 'orders');
        await store.commitPage({
          ...page(run, 1, { offset: 1 }),
          state: [{ namespace: 'dedupe:orders', entries: [{ key: 'A-1', value: 1 }] }],
          watermark: { source: 'source', value: { since: null, high: '2026-01-02T00:00:00.000Z' } },
        });
        expect((await store.getState('dedupe:orders', ['A-1'])).has('A-1')).toBe(true);
        expect(await store.getWatermark('orders', 'source')).toEqual({ since: null, high: '2026-01-02T00:00:00.000Z' });
        // a page that cannot commit (same seq twice) leaves neither its state nor its watermark
        await expect(
          store.commitPage({
            ...page(run, 1, { offset: 2 }),
            state: [{ namespace: 'dedupe:orders', entries: [{ key: 'A-2', value: 1 }] }],
            watermark: { source: 'source', value: { since: null, high: '2026-01-03T00:00:00.000Z' } },
          }),
        ).rejects.toThrow();
        expect((await store.getState('dedupe:orders', ['A-2'])).has('A-2')).toBe(false);
        expect(await store.getWatermark('orders', 'source')).toEqual({ since: null, high: '2026-01-02T00:00:00.000Z' });
      });
    });

    describeErrorConformance(() => store);
    describeLeaseConformance(() => store, location);

    describe('round trips', () => {
      it.each(jsonSamples)(
        'keeps the JSON value $name as checkpoint, page checkpoint and watermark',
        async ({ value }) => {
          const run = await startRun(store, 'json');
          await store.commitPage(page(run, 1, value));
          await store.setWatermark('json', 'src', value, at(1));
          expect((await store.getCheckpoint('json'))?.checkpoint).toEqual(value);
          expect((await store.listPages(run.id))[0]?.checkpoint).toEqual(value);
          expect(await store.getWatermark('json', 'src')).toEqual(value);
        },
      );

      it('keeps nested, unicode payloads and unicode text fields of error records', async () => {
        const run = await startRun(store, 'json', at(0), { host: 'hôte-東京', flowFile: '/données/flüsse.yaml' });
        const [id] = await store.addErrors([
          errorRecord(run, {
            payload: nestedPayload,
            message: 'Ungültig: “email” ❌',
            raw: 'a,"b\nc",😀',
            recordId: 'clé:1',
          }),
        ]);
        const row = await store.getError(id as number);
        expect(row?.payload).toEqual(nestedPayload);
        expect([row?.message, row?.raw, row?.recordId]).toEqual(['Ungültig: “email” ❌', 'a,"b\nc",😀', 'clé:1']);
        const back = await store.getRun(run.id);
        expect([back?.host, back?.flowFile]).toEqual(['hôte-東京', '/données/flüsse.yaml']);
      });

      it.each([
        ['the epoch', new Date(0)],
        ['a time with milliseconds', new Date(Date.UTC(2026, 2, 29, 1, 59, 59, 999))],
        ['a far future time', new Date(Date.UTC(2199, 11, 31, 23, 59, 59, 1))],
        ['a time before 1970', new Date(Date.UTC(1969, 6, 20, 20, 17, 40, 5))],
      ])('returns %s as an equal Date from every timestamp column', async (_label, date) => {
        const run = await startRun(store, 'dates', date);
        await store.updateRun(run.id, { endedAt: date });
        await store.commitPage(page(run, 1, 'cp', { at: date }));
        const [id] = await store.addErrors([errorRecord(run, { createdAt: date })]);
        const got = await store.getRun(run.id);
        const dates = [
          got?.startedAt,
          got?.endedAt,
          got?.heartbeatAt,
          (await store.listPages(run.id))[0]?.committedAt,
          (await store.getCheckpoint('dates'))?.updatedAt,
          (await store.getError(id as number))?.createdAt,
          (await store.getError(id as number))?.updatedAt,
        ];
        for (const d of dates) {
          expect(d).toBeInstanceOf(Date);
          expect(d?.getTime()).toBe(date.getTime());
        }
      });
    });

    it('closes cleanly, and closing twice is harmless', async () => {
      const extra = await open();
      await startRun(extra, 'x');
      await extra.close();
      await extra.close();
      await expect(extra.listRuns()).rejects.toThrow();
    });

    it('countErrors ignores limit and offset', async () => {
      const run = await startRun(store, 'orders');
      await store.addErrors([errorRecord(run), errorRecord(run), errorRecord(run)]);
      const filter: ErrorFilter = { flow: 'orders', limit: 1, offset: 1 };
      expect(await store.countErrors(filter)).toBe(3);
    });
  });
}
