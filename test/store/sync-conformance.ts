import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StateStore } from '../../src/store/index.js';
import { at } from './store-fixtures.js';
import { describeSyncConflictConformance } from './sync-conflict-conformance.js';
import { change, claimSync, fieldConflict, link, takeOver } from './sync-fixtures.js';
import { describeSyncLinkConformance } from './sync-link-conformance.js';

/**
 * The behaviour of StateStore.sync (src/store/sync-store.ts) every store must have: the staging
 * queue, links, conflicts, seen keys and side watermarks, fenced by the sync's lease. `open` must
 * return an EMPTY store each call; the suite closes it after each test.
 */
export function describeSyncStoreConformance(name: string, open: () => Promise<StateStore>, bulkTimeoutMs = 30_000) {
  describe(`SyncStore conformance: ${name}`, () => {
    let store: StateStore;
    beforeEach(async () => {
      store = await open();
    });
    afterEach(async () => {
      await store.close();
    });
    const sync = () => store.sync;

    describe('staging', () => {
      it('stages changes in seq order with every field round-tripped, and moves the watermark with the last page', async () => {
        const lease = await claimSync(store, 'crm');
        const odd = change('a', 'r1', {
          values: {
            name: 'Zoë "Q" \\ Ångström',
            tags: ['vip', '🚀'],
            nested: { n: null, big: Number.MAX_SAFE_INTEGER },
          },
          changedAt: { ts: '2026-01-01T00:00:00.123Z', tie: 4 },
          matchKey: null,
          deleted: true,
        });
        await sync().stage({ lease, sync: 'crm', side: 'a', changes: [odd, change('a', 'r2')], at: at(1) });
        expect(await sync().getWatermark('crm', 'a')).toBeUndefined();
        await sync().stage({ lease, sync: 'crm', side: 'b', changes: [change('b', 'r1')], watermark: 17, at: at(2) });
        await sync().stage({ lease, sync: 'crm', side: 'a', changes: [], watermark: { ts: 'x', id: 2 }, at: at(3) });
        const staged = await sync().nextStaged('crm', 0, 10);
        expect(staged.map((s) => `${s.side}:${s.rid}`)).toEqual(['a:r1', 'a:r2', 'b:r1']);
        expect(staged[0]).toEqual({ ...odd, seq: staged[0]?.seq, attempts: 0, error: null, parked: false });
        expect(staged[1]?.seq).toBeGreaterThan(staged[0]?.seq ?? Infinity);
        expect(staged[2]?.seq).toBeGreaterThan(staged[1]?.seq ?? Infinity);
        expect(await sync().nextStaged('crm', staged[0]?.seq ?? 0, 1)).toEqual([staged[1]]);
        expect(await sync().getWatermark('crm', 'a')).toEqual({ ts: 'x', id: 2 });
        expect(await sync().getWatermark('crm', 'b')).toBe(17);
        expect(await sync().getWatermark('other', 'a')).toBeUndefined();
        expect(await store.getWatermark('crm', 'orders')).toBeUndefined();
        expect(await sync().countStaged('crm')).toEqual({ pending: 3, parked: 0 });
      });

      it('restaging a key replaces it, moves it to the end and clears its attempts, error and parking', async () => {
        const lease = await claimSync(store, 'crm');
        const changes = ['r1', 'r2', 'r3'].map((rid) => change('a', rid));
        await sync().stage({ lease, sync: 'crm', side: 'a', changes, at: at(1) });
        await sync().commitBatch({
          lease,
          sync: 'crm',
          failed: [{ side: 'a', rid: 'r1', error: 'HTTP 500', park: true }],
          at: at(2),
        });
        await sync().commitBatch({
          lease,
          sync: 'crm',
          failed: [{ side: 'a', rid: 'r2', error: 'timeout', park: false }],
          at: at(2),
        });
        const [r2] = await sync().stagedByIds('crm', 'a', ['r2']);
        expect([r2?.attempts, r2?.error, r2?.parked]).toEqual([1, 'timeout', false]);
        const [r1] = await sync().stagedByIds('crm', 'a', ['r1']);
        expect([r1?.attempts, r1?.error, r1?.parked]).toEqual([1, 'HTTP 500', true]);
        expect((await sync().nextStaged('crm', 0, 10)).map((s) => s.rid)).toEqual(['r2', 'r3']);
        expect(await sync().countStaged('crm')).toEqual({ pending: 2, parked: 1 });

        const newer = change('a', 'r1', { hash: 'h2', values: { email: 'new@example.com' } });
        // a key read twice in one page keeps its last read
        await sync().stage({ lease, sync: 'crm', side: 'a', changes: [change('a', 'r1'), newer], at: at(3) });
        const walked = await sync().nextStaged('crm', 0, 10);
        expect(walked.map((s) => s.rid)).toEqual(['r2', 'r3', 'r1']);
        expect(walked[2]).toMatchObject({
          hash: 'h2',
          values: { email: 'new@example.com' },
          attempts: 0,
          error: null,
          parked: false,
        });
        expect(walked[2]?.seq).toBeGreaterThan(walked[1]?.seq ?? Infinity);
        expect(await sync().countStaged('crm')).toEqual({ pending: 3, parked: 0 });
      });

      it('finds staged changes by key, match key (parked left out) and hash; un-parks by key or all', async () => {
        const lease = await claimSync(store, 'crm');
        await sync().stage({
          lease,
          sync: 'crm',
          side: 'a',
          changes: [change('a', 'r1'), change('a', 'r2', { matchKey: 'k' }), change('a', 'r3', { hash: 'same' })],
          at: at(1),
        });
        await sync().stage({
          lease,
          sync: 'crm',
          side: 'b',
          changes: [change('b', 'r1', { matchKey: 'k', hash: 'same' }), change('b', 'r9', { matchKey: 'k' })],
          at: at(1),
        });
        const keys = (rows: { side: string; rid: string }[]) => rows.map((r) => `${r.side}:${r.rid}`);
        expect(keys(await sync().stagedByIds('crm', 'a', ['r1', 'r3', 'nope']))).toEqual(['a:r1', 'a:r3']);
        expect(keys(await sync().stagedByIds('crm', 'b', ['r1']))).toEqual(['b:r1']);
        expect(keys(await sync().stagedByMatchKeys('crm', ['k', 'r1@example.com']))).toEqual([
          'a:r1',
          'a:r2',
          'b:r1',
          'b:r9',
        ]);
        expect(keys(await sync().stagedByHashes('crm', 'a', ['same']))).toEqual(['a:r3']);
        expect(keys(await sync().stagedByHashes('crm', 'b', ['same', 'h-b-r9']))).toEqual(['b:r1', 'b:r9']);
        expect(await sync().stagedByIds('other', 'a', ['r1'])).toEqual([]);
        const park = (side: 'a' | 'b', rid: string) => ({ side, rid, error: 'x', park: true });
        await sync().commitBatch({
          lease,
          sync: 'crm',
          failed: [park('b', 'r9'), park('a', 'r2'), park('a', 'r1')],
          at: at(2),
        });
        expect(keys(await sync().stagedByMatchKeys('crm', ['k']))).toEqual(['b:r1']);
        expect(
          await sync().unpark('crm', [
            { side: 'b', rid: 'r9' },
            { side: 'a', rid: 'r3' },
          ]),
        ).toBe(1);
        expect(keys(await sync().stagedByMatchKeys('crm', ['k']))).toEqual(['b:r1', 'b:r9']);
        expect((await sync().stagedByIds('crm', 'b', ['r9']))[0]).toMatchObject({ parked: false, attempts: 0 });
        expect(await sync().unpark('crm')).toBe(2);
        expect(await sync().countStaged('crm')).toEqual({ pending: 5, parked: 0 });
      });
    });

    describe('fencing', () => {
      it('a lost lease writes nothing: stage, commitBatch and addSeen fail with RUN_LEASE_LOST', async () => {
        const lease = await claimSync(store, 'crm');
        await sync().stage({ lease, sync: 'crm', side: 'a', changes: [change('a', 'r1')], at: at(1) });
        const other = await takeOver(store, lease);
        const lost = { code: 'RUN_LEASE_LOST' };
        await expect(
          sync().stage({ lease, sync: 'crm', side: 'a', changes: [change('a', 'r2')], watermark: 5, at: at(2) }),
        ).rejects.toMatchObject(lost);
        await expect(
          sync().commitBatch({
            lease,
            sync: 'crm',
            insertLinks: [link('r1', 'x1')],
            consumed: [{ side: 'a', rid: 'r1' }],
            openConflicts: [fieldConflict(1, 'email')],
            at: at(2),
          }),
        ).rejects.toMatchObject(lost);
        await expect(sync().addSeen({ lease, sync: 'crm', side: 'a', rids: ['r1'] })).rejects.toMatchObject(lost);
        expect((await sync().nextStaged('crm', 0, 10)).map((s) => s.rid)).toEqual(['r1']);
        expect(await sync().getWatermark('crm', 'a')).toBeUndefined();
        expect(await sync().countLinks({ sync: 'crm' })).toBe(0);
        expect(await sync().countConflicts({ sync: 'crm' })).toBe(0);
        await sync().commitBatch({ lease: other, sync: 'crm', insertLinks: [link('r1', null)], at: at(3) });
        expect(await sync().unseenLinks('crm', 'a', 0, 10)).toHaveLength(1); // nothing seen was recorded
      });
    });

    describeSyncLinkConformance(() => store);
    describeSyncConflictConformance(() => store);

    it('resetSync forgets one sync only', async () => {
      for (const name of ['crm', 'erp']) {
        const lease = await claimSync(store, name);
        await sync().stage({
          lease,
          sync: name,
          side: 'a',
          changes: [change('a', 'r1', { sync: name })],
          watermark: 3,
          at: at(1),
        });
        await sync().stage({ lease, sync: name, side: 'b', changes: [], watermark: 4, at: at(1) });
        const { linkIds } = await sync().commitBatch({
          lease,
          sync: name,
          insertLinks: [link('r1', 'x1', { sync: name })],
          at: at(2),
        });
        await sync().commitBatch({
          lease,
          sync: name,
          openConflicts: [fieldConflict(linkIds[0] ?? 0, 'email', { sync: name })],
          at: at(2),
        });
        await sync().addSeen({ lease, sync: name, side: 'a', rids: ['r1'] });
      }
      await sync().resetSync('crm');
      for (const [name, n] of [
        ['crm', 0],
        ['erp', 1],
      ] as const) {
        expect(await sync().countLinks({ sync: name })).toBe(n);
        expect(await sync().countConflicts({ sync: name })).toBe(n);
        expect((await sync().countStaged(name)).pending).toBe(n);
        expect(await sync().getWatermark(name, 'b')).toEqual(n === 0 ? undefined : 4);
      }
      expect(await sync().unseenLinks('erp', 'a', 0, 10)).toEqual([]);
    });

    it('stages 100,000 changes in pages of 5,000 and walks them with nextStaged', {
      timeout: bulkTimeoutMs,
    }, async () => {
      const lease = await claimSync(store, 'crm');
      const total = 100_000;
      const started = performance.now();
      for (let page = 0; page < total / 5000; page++) {
        const changes = Array.from({ length: 5000 }, (_, i) => {
          const rid = `r${page * 5000 + i}`;
          return change(page % 2 === 0 ? 'a' : 'b', rid);
        });
        await sync().stage({ lease, sync: 'crm', side: page % 2 === 0 ? 'a' : 'b', changes, at: at(page) });
      }
      const staged = performance.now();
      let after = 0;
      let walked = 0;
      let ordered = true;
      for (;;) {
        const batch = await sync().nextStaged('crm', after, 1000);
        if (batch.length === 0) break;
        for (const s of batch) {
          ordered &&= s.seq > after;
          after = s.seq;
        }
        walked += batch.length;
      }
      const done = performance.now();
      console.log(
        `[sync store ${name}] staged ${total} changes in ${Math.round(staged - started)} ms, walked them in ${Math.round(done - staged)} ms`,
      );
      expect([walked, ordered]).toEqual([total, true]);
      expect(await sync().countStaged('crm')).toEqual({ pending: total, parked: 0 });
    });
  });
}
