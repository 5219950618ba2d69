import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/sdk/index.js';
import type { ClaimedLease, StateStore } from '../../src/store/index.js';
import { raceForLeases } from './lease-race.js';
import { counts, newRun, page, T0 } from './store-fixtures.js';

const LEASE_MS = 60_000;
const A = 'box-1:4242:aaaa';
const B = 'box-2:7:bbbb';

/**
 * The run-lease part of the conformance suite: a flow's ownership, claimed with a fencing token,
 * renewed by commits and heartbeats, released at the end; every write of a run fenced by it.
 * `location` gives the address of a fresh, empty store other processes can open (the race).
 */
export function describeLeaseConformance(current: () => StateStore, location?: () => Promise<string>): void {
  describe('run leases', () => {
    const claim = (store: StateStore, clock: ManualClock, owner = A, takeOver?: number) =>
      store.claimLease('orders', owner, new Date(clock.now().getTime() + LEASE_MS), {
        at: clock.now(),
        ...(takeOver === undefined ? {} : { takeOver }),
      });
    const start = (store: StateStore, clock: ManualClock, lease: ClaimedLease, fromStart = false) => {
      const { resumedFrom: _, flow: __, ...run } = newRun('orders', clock.now());
      return store.startRun({ ...run, lease, ...(fromStart ? { fromStart } : {}) });
    };
    const begin = async (store: StateStore, clock: ManualClock, owner = A) =>
      start(store, clock, await claim(store, clock, owner));

    it('claims a flow with a token that grows at every claim, refused while held, also to its own owner', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await claim(store, clock);
      expect(first).toEqual({ flow: 'orders', owner: A, token: 1, ms: LEASE_MS });
      expect(await store.getLease('orders')).toEqual({
        owner: A,
        runId: null,
        token: 1,
        expiresAt: new Date(T0 + LEASE_MS),
      });
      clock.advance(LEASE_MS - 1);
      for (const owner of [B, A])
        await expect(claim(store, clock, owner)).rejects.toMatchObject({
          code: 'RUN_ALREADY_ACTIVE',
          message: expect.stringContaining(`claimed by ${A}; its lease runs until`),
        });
      clock.advance(1); // expired now
      const second = await claim(store, clock, B);
      expect([second.token, second.owner]).toEqual([2, B]);
      expect(second.previous).toEqual({
        owner: A,
        runId: null,
        token: 1,
        expiresAt: new Date(T0 + LEASE_MS),
        how: 'lapsed',
      });
      await store.releaseLease(second, clock.now());
      const third = await claim(store, clock, A); // released: free at once, nobody taken over
      expect([third.token, third.previous]).toEqual([3, undefined]);
      expect(await store.getLease('other')).toBeUndefined();
      expect((await store.claimLease('other', A, clock.now(), { at: clock.now() })).token).toBe(1); // per flow
    });

    it('refuses a second run while the lease holds, and takes over with a new token once it lapsed', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await begin(store, clock);
      expect(first.lease).toEqual({ flow: 'orders', owner: A, token: 1, ms: LEASE_MS, runId: first.run.id });
      expect(first.replaced).toBeUndefined();
      clock.advance(LEASE_MS - 1);
      await expect(claim(store, clock, B)).rejects.toMatchObject({
        code: 'RUN_ALREADY_ACTIVE',
        message: expect.stringContaining(`run ${first.run.id}, pid 4242 on box-1`),
      });
      clock.advance(2);
      const second = await begin(store, clock, B);
      expect(second.lease.token).toBe(2);
      expect(second.replaced?.id).toBe(first.run.id);
      expect(second.run.resumedFrom).toBe(first.run.id);
      const old = await store.getRun(first.run.id);
      expect([old?.status, old?.endedAt, old?.error?.code]).toEqual(['failed', clock.now(), 'INTERRUPTED']);
      expect(old?.error?.message).toContain('its lease lapsed at');
      expect(old?.error?.message).toContain(`run ${second.run.id} took over`);
      expect(await store.getLease('orders')).toEqual({
        owner: B,
        runId: second.run.id,
        token: 2,
        expiresAt: new Date(clock.now().getTime() + LEASE_MS),
      });
    });

    it('fences the old owner: its page, its end and its renewal fail with RUN_LEASE_LOST and write nothing', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await begin(store, clock);
      await store.commitPage({ ...page(first.run, 1, { offset: 10 }), lease: first.lease, at: clock.now() });
      clock.advance(LEASE_MS + 1);
      const second = await begin(store, clock, B);
      expect(second.checkpoint?.checkpoint).toEqual({ offset: 10 });
      const lost = { code: 'RUN_LEASE_LOST', message: expect.stringContaining(`run ${second.run.id} took it over`) };
      await expect(
        store.commitPage({
          ...page(first.run, 2, { offset: 20 }, { state: [{ namespace: 'n', entries: [{ key: 'k', value: 1 }] }] }),
          errors: [],
          handoff: { flows: ['next'], payloads: ['{"id":1}'] },
          ids: [{ destination: 'out', recordId: 'line:1', id: 'x1' }],
          watermark: { source: 'source', value: 'late' },
          lease: first.lease,
          at: clock.now(),
        }),
      ).rejects.toMatchObject(lost);
      const heartbeat = (await store.getRun(first.run.id))?.heartbeatAt;
      await expect(store.renewLease(first.lease, new Date(clock.now().getTime() + LEASE_MS))).rejects.toMatchObject(
        lost,
      );
      await expect(store.releaseLease(first.lease, clock.now())).rejects.toMatchObject(lost);
      await expect(
        store.finishRun({
          runId: first.run.id,
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
      expect(await store.readInbox('next', 0, 10)).toEqual([]);
      expect(await store.listReturnedIds({ runId: first.run.id })).toEqual([]);
      const old = await store.getRun(first.run.id);
      expect([old?.status, old?.heartbeatAt]).toEqual(['failed', heartbeat]);
      expect(await store.getLease('orders')).toMatchObject({ owner: B, token: 2, runId: second.run.id });
      // the new owner commits and finishes
      await store.commitPage({ ...page(second.run, 1, { offset: 20 }), lease: second.lease, at: clock.now() });
      expect((await store.getCheckpoint('orders'))?.runId).toBe(second.run.id);
    });

    it('a run cannot start under a lease claimed by another since: nothing is written', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const stale = await claim(store, clock);
      clock.advance(LEASE_MS);
      const fresh = await claim(store, clock, B);
      await expect(start(store, clock, stale)).rejects.toMatchObject({ code: 'RUN_LEASE_LOST' });
      expect(await store.listRuns({ flow: 'orders' })).toEqual([]);
      const started = await start(store, clock, fresh);
      expect(started.lease.token).toBe(2);
    });

    it('renewals (heartbeats and commits) keep the flow for a window from each; a stale owner cannot renew', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await begin(store, clock);
      clock.advance(50_000);
      await store.renewLease(first.lease, new Date(clock.now().getTime() + LEASE_MS));
      expect((await store.getRun(first.run.id))?.heartbeatAt).toEqual(clock.now());
      clock.advance(50_000); // 100 s after the start, 50 s after the renewal
      await expect(claim(store, clock, B)).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      await store.commitPage({ ...page(first.run, 1, 1), lease: first.lease, at: clock.now() });
      clock.advance(LEASE_MS - 1);
      await expect(claim(store, clock, B)).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      // an owner whose lease lapsed but that nobody claimed yet keeps it by renewing
      clock.advance(10_000);
      await store.renewLease(first.lease, new Date(clock.now().getTime() + LEASE_MS));
      await expect(claim(store, clock, B)).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      // the same owner and token under another name, or another token of the same owner: not the holder
      for (const wrong of [
        { ...first.lease, owner: B },
        { ...first.lease, token: first.lease.token + 1 },
      ])
        await expect(store.renewLease(wrong, new Date(clock.now().getTime() + LEASE_MS))).rejects.toMatchObject({
          code: 'RUN_LEASE_LOST',
        });
      expect(await store.getLease('orders')).toMatchObject({ owner: A, token: 1 });
    });

    it('takes over an unexpired lease of an owner known gone, only with the token it still holds', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await begin(store, clock);
      clock.advance(1);
      await expect(claim(store, clock, B, 7)).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
      const second = await claim(store, clock, B, first.lease.token);
      expect([second.token, second.previous?.how, second.previous?.runId]).toEqual([2, 'taken over', first.run.id]);
      // a second claimer that saw the same dead owner comes too late: the token moved on
      await expect(claim(store, clock, 'box-1:9:cccc', first.lease.token)).rejects.toMatchObject({
        code: 'RUN_ALREADY_ACTIVE',
        message: expect.stringContaining(`claimed by ${B}`),
      });
      const started = await start(store, clock, second);
      expect(started.replaced?.id).toBe(first.run.id);
      expect((await store.getRun(first.run.id))?.error?.message).toContain('pid 4242 on box-1) is gone');
      await expect(store.renewLease(first.lease, new Date(clock.now().getTime() + LEASE_MS))).rejects.toMatchObject({
        code: 'RUN_LEASE_LOST',
      });
    });

    it('finishes a run in one fenced step and releases the flow, the token kept', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const first = await begin(store, clock);
      await store.commitPage({ ...page(first.run, 1, 5), lease: first.lease, at: clock.now() });
      clock.advance(1000);
      await store.finishRun({
        runId: first.run.id,
        lease: first.lease,
        patch: { status: 'succeeded', endedAt: clock.now() },
        watermark: { source: 'source', value: '2026-01-01' },
        clearCheckpoint: true,
        at: clock.now(),
      });
      expect((await store.getRun(first.run.id))?.status).toBe('succeeded');
      expect(await store.getCheckpoint('orders')).toBeUndefined();
      expect(await store.getWatermark('orders', 'source')).toBe('2026-01-01');
      expect(await store.getLease('orders')).toEqual({
        owner: null,
        runId: first.run.id,
        token: 1,
        expiresAt: clock.now(),
      });
      // released: a renewal or a commit of the ended run fails
      await expect(
        store.commitPage({ ...page(first.run, 2, 6), lease: first.lease, at: clock.now() }),
      ).rejects.toMatchObject({ code: 'RUN_LEASE_LOST', message: expect.stringContaining('its lease was released') });
      const next = await begin(store, clock); // no wait for the window
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
      const first = await begin(store, clock);
      await store.commitPage({ ...page(first.run, 1, 5), lease: first.lease, at: clock.now() });
      await store.finishRun({
        runId: first.run.id,
        lease: first.lease,
        patch: { status: 'canceled', endedAt: clock.now() },
        at: clock.now(),
      });
      const next = await start(store, clock, await claim(store, clock), true);
      expect([next.checkpoint, next.run.resumedFrom, await store.getCheckpoint('orders')]).toEqual([
        undefined,
        null,
        undefined,
      ]);
    });

    it('replaces a run still marked running that does not hold the lease', async () => {
      const store = current();
      const clock = new ManualClock(T0);
      const orphan = await store.createRun(newRun('orders', clock.now()));
      const next = await begin(store, clock, B);
      expect(next.replaced?.id).toBe(orphan.id);
      expect((await store.getRun(orphan.id))?.error?.message).toContain("it did not hold the flow's lease");
    });

    it.skipIf(location === undefined)(
      'two processes racing for one flow: exactly one claims it, every round',
      async () => {
        const rounds = await raceForLeases(await (location as () => Promise<string>)(), 20);
        expect(rounds).toHaveLength(20);
        for (const round of rounds) {
          expect(round.winners, JSON.stringify(round)).toHaveLength(1);
          expect(round.losers.every((code) => code === 'RUN_ALREADY_ACTIVE')).toBe(true);
          expect(round.token).toBe(round.expired ? 2 : 1);
        }
      },
      120_000,
    );
  });
}
