import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/sdk/index.js';
import type { RunStart, StateStore } from '../../src/store/index.js';
import { counts, newRun, page, T0 } from './store-fixtures.js';

const LEASE_MS = 60_000;

/** The run-lease part of the conformance suite: a flow's ownership, renewed by commits and fenced. */
export function describeLeaseConformance(current: () => StateStore): void {
  describe('run leases', () => {
    const start = (clock: ManualClock, overrides: Partial<RunStart> = {}): RunStart => {
      const { resumedFrom: _, ...run } = newRun('orders', clock.now());
      return { ...run, leaseMs: LEASE_MS, ...overrides };
    };

    it('refuses a second run while the lease holds, and takes over with a new token once it lapsed', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await store.startRun(start(clock));
      expect(first.lease).toEqual({ flow: 'orders', runId: first.run.id, token: 1, ms: LEASE_MS });
      expect(first.replaced).toBeUndefined();
      clock.advance(LEASE_MS - 1);
      await expect(store.startRun(start(clock, { pid: 7 }))).rejects.toMatchObject({
        code: 'RUN_ALREADY_ACTIVE',
        message: expect.stringContaining(`run ${first.run.id}, pid 4242 on box-1`),
      });
      clock.advance(2);
      const second = await store.startRun(start(clock, { host: 'box-2' }));
      expect(second.lease.token).toBe(2);
      expect(second.replaced?.id).toBe(first.run.id);
      expect(second.run.resumedFrom).toBe(first.run.id);
      const old = await store.getRun(first.run.id);
      expect([old?.status, old?.endedAt, old?.error?.code]).toEqual(['failed', clock.now(), 'INTERRUPTED']);
      expect(old?.error?.message).toContain(`run ${second.run.id} took over`);
      expect(await store.getLease('orders')).toEqual({
        runId: second.run.id,
        token: 2,
        expiresAt: new Date(clock.now().getTime() + LEASE_MS),
      });
    });

    it('fences the old owner: its page, its end and its renewal fail with RUN_LEASE_LOST and write nothing', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await store.startRun(start(clock));
      await store.commitPage({ ...page(first.run, 1, { offset: 10 }), lease: first.lease, at: clock.now() });
      clock.advance(LEASE_MS + 1);
      const second = await store.startRun(start(clock));
      expect(second.checkpoint?.checkpoint).toEqual({ offset: 10 });
      const lost = { code: 'RUN_LEASE_LOST', message: expect.stringContaining(`run ${second.run.id} took it over`) };
      await expect(
        store.commitPage({
          ...page(first.run, 2, { offset: 20 }, { state: [{ namespace: 'n', entries: [{ key: 'k', value: 1 }] }] }),
          watermark: { source: 'source', value: 'late' },
          lease: first.lease,
          at: clock.now(),
        }),
      ).rejects.toMatchObject(lost);
      await expect(store.renewLease(first.lease, clock.now())).rejects.toMatchObject(lost);
      await expect(
        store.finishRun({
          lease: first.lease,
          patch: { status: 'succeeded', endedAt: clock.now(), counts: counts(20, 20) },
          watermark: { source: 'source', value: 'late' },
          clearCheckpoint: true,
          at: clock.now(),
        }),
      ).rejects.toMatchObject(lost);
      expect((await store.listPages(first.run.id)).map((p) => p.seq)).toEqual([1]);
      expect((await store.getCheckpoint('orders'))?.checkpoint).toEqual({ offset: 10 });
      expect(await store.getWatermark('orders', 'source')).toBeUndefined();
      expect((await store.getState('n', ['k'])).size).toBe(0);
      expect((await store.getRun(first.run.id))?.status).toBe('failed');
      // the new owner commits
      await store.commitPage({ ...page(second.run, 1, { offset: 20 }), lease: second.lease, at: clock.now() });
      expect((await store.getCheckpoint('orders'))?.runId).toBe(second.run.id);
    });

    it('renewals (heartbeats and commits) keep the flow for a window from each', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await store.startRun(start(clock));
      clock.advance(50_000);
      await store.renewLease(first.lease, clock.now());
      expect((await store.getRun(first.run.id))?.heartbeatAt).toEqual(clock.now());
      clock.advance(50_000); // 100 s after the start, 50 s after the renewal
      await expect(store.startRun(start(clock))).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      await store.commitPage({ ...page(first.run, 1, 1), lease: first.lease, at: clock.now() });
      clock.advance(LEASE_MS - 1);
      await expect(store.startRun(start(clock))).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      // an owner whose lease lapsed but that nobody took over yet keeps it by renewing
      clock.advance(10_000);
      await store.renewLease(first.lease, clock.now());
      await expect(store.startRun(start(clock))).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    });

    it('replaces at once a run whose process is known to be gone', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await store.startRun(start(clock));
      clock.advance(1);
      const second = await store.startRun(start(clock, { replace: first.run.id }));
      expect(second.lease.token).toBe(2);
      expect((await store.getRun(first.run.id))?.error?.message).toContain('pid 4242 on box-1) is gone');
      await expect(store.renewLease(first.lease, clock.now())).rejects.toMatchObject({ code: 'RUN_LEASE_LOST' });
    });

    it('finishes a run in one fenced step and releases the flow, the token kept', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await store.startRun(start(clock));
      await store.commitPage({ ...page(first.run, 1, 5), lease: first.lease, at: clock.now() });
      clock.advance(1000);
      await store.finishRun({
        lease: first.lease,
        patch: { status: 'succeeded', endedAt: clock.now() },
        watermark: { source: 'source', value: '2026-01-01' },
        clearCheckpoint: true,
        at: clock.now(),
      });
      expect((await store.getRun(first.run.id))?.status).toBe('succeeded');
      expect(await store.getCheckpoint('orders')).toBeUndefined();
      expect(await store.getWatermark('orders', 'source')).toBe('2026-01-01');
      const next = await store.startRun(start(clock)); // no wait for the window
      expect([next.lease.token, next.replaced, next.checkpoint, next.run.resumedFrom]).toEqual([
        2,
        undefined,
        undefined,
        null,
      ]);
    });

    it('discards the checkpoint when asked to start from the beginning', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await store.startRun(start(clock));
      await store.commitPage({ ...page(first.run, 1, 5), lease: first.lease, at: clock.now() });
      await store.updateRun(first.run.id, { status: 'canceled', endedAt: clock.now() });
      const next = await store.startRun(start(clock, { fromStart: true }));
      expect([next.checkpoint, next.run.resumedFrom, await store.getCheckpoint('orders')]).toEqual([
        undefined,
        null,
        undefined,
      ]);
    });

    it('counts the heartbeat of a running run from before leases existed', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const legacy = await store.createRun(newRun('orders', clock.now()));
      clock.advance(LEASE_MS - 1);
      await expect(store.startRun(start(clock))).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      clock.advance(1);
      expect((await store.startRun(start(clock))).replaced?.id).toBe(legacy.id);
    });
  });
}
