import { describe, expect, it } from 'vitest';
import type { LinkFilter, StateStore } from '../../src/store/index.js';
import { at, errorRecord, startRun } from './store-fixtures.js';
import { change, claimSync, link } from './sync-fixtures.js';

/** Links (the identity map), a batch's commit and the reconcile pass's seen keys. */
export function describeSyncLinkConformance(current: () => StateStore): void {
  describe('links', () => {
    it('commits a batch in one go: links in, changed (given fields only), out; staged consumed; errors once', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      await store.sync.stage({
        lease,
        sync: 'crm',
        side: 'a',
        changes: [change('a', 'a1'), change('a', 'a2')],
        at: at(1),
      });
      const first = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: [
          link('a1', 'b1'),
          link('a2', null, { status: 'pending-create', intent: { side: 'b', hash: 'h' } }),
        ],
        consumed: [{ side: 'a', rid: 'a1' }],
        at: at(10),
      });
      expect(first.linkIds).toHaveLength(2);
      const [id1, id2] = first.linkIds as [number, number];
      expect(id2).toBeGreaterThan(id1);
      expect(await store.sync.getLink(id1)).toEqual({
        ...link('a1', 'b1'),
        id: id1,
        createdAt: at(10),
        updatedAt: at(10),
      });
      expect((await store.sync.getLink(id2))?.intent).toEqual({ side: 'b', hash: 'h' });
      expect((await store.sync.nextStaged('crm', 0, 10)).map((s) => s.rid)).toEqual(['a2']);

      const run = await startRun(store, 'crm');
      const failure = errorRecord(run, { recordId: 'a:a2', stage: { kind: 'destination', name: 'b' } });
      const second = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        updateLinks: [{ id: id2, bId: 'b2', status: 'linked', intent: null, syncedAt: null }],
        errors: [failure],
        at: at(20),
      });
      expect(second.linkIds).toEqual([]);
      const updated = await store.sync.getLink(id2);
      expect(updated).toMatchObject({
        aId: 'a2',
        bId: 'b2',
        status: 'linked',
        intent: null,
        syncedAt: null,
        aHash: 'ha-a2',
      });
      expect([updated?.createdAt, updated?.updatedAt]).toEqual([at(10), at(20)]);
      const again = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        errors: [{ ...failure, createdAt: at(30) }],
        at: at(30),
      });
      expect(again.errorIds).toEqual(second.errorIds);
      expect(await store.countErrors({ flow: 'crm' })).toBe(1);
      expect((await store.getError(second.errorIds[0] ?? 0))?.attempts).toBe(2);

      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        deleteLinks: [id1],
        insertLinks: [link('a9', 'b1')],
        at: at(40),
      });
      expect(await store.sync.getLink(id1)).toBeUndefined();
      expect((await store.sync.linksByIds('crm', 'b', ['b1']))[0]?.aId).toBe('a9');
    });

    it('changes many links in one batch, each only in the fields its patch gives', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const keys = ['a1', 'a2', 'a3', 'a4', 'a5'];
      const { linkIds } = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: keys.map((k) => link(k, `b-${k}`)),
        at: at(1),
      });
      const [l1, l2, l3, l4] = linkIds as [number, number, number, number];
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        updateLinks: [
          { id: l1, aHash: 'n1', baseA: { name: 'One' }, syncedAt: at(7), failures: 0 },
          { id: l2, status: 'error', error: 'HTTP 422', failures: 3 },
          { id: l3, aHash: 'n3', baseA: { name: 'Three' }, syncedAt: at(8), failures: 1 },
          { id: l4 },
        ],
        at: at(9),
      });
      const rows = await store.sync.linksByIds('crm', 'a', keys);
      const stored = (k: string, id: number) => ({ ...link(k, `b-${k}`), id, createdAt: at(1), updatedAt: at(1) });
      expect(rows).toEqual([
        { ...stored('a1', l1), aHash: 'n1', baseA: { name: 'One' }, syncedAt: at(7), updatedAt: at(9) },
        { ...stored('a2', l2), status: 'error', error: 'HTTP 422', failures: 3, updatedAt: at(9) },
        { ...stored('a3', l3), aHash: 'n3', baseA: { name: 'Three' }, syncedAt: at(8), failures: 1, updatedAt: at(9) },
        { ...stored('a4', l4), updatedAt: at(9) },
        stored('a5', linkIds[4] ?? 0),
      ]);
    });

    it('keeps one link per record on each side (several without a key yet); a refused batch writes nothing', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const { linkIds: first } = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: [link('a1', 'b1'), link('a2', null), link(null, 'b3')],
        at: at(1),
      });
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: [link('a4', null), link(null, 'b5')],
        at: at(1),
      });
      await store.sync.stage({ lease, sync: 'crm', side: 'a', changes: [change('a', 'a1')], at: at(2) });
      const refused = [
        [
          [link('a1', 'b9')],
          `record a:"a1" is already linked (link ${first[0]}, with b:"b1"); the batch linking it to b:"b9"`,
        ],
        [
          [link('a9', 'b1')],
          `record b:"b1" is already linked (link ${first[0]}, with a:"a1"); the batch linking it to a:"a9"`,
        ],
        [[link('a7', 'b7'), link('a8', 'b7')], 'record b:"b7" is already linked (a:"a7" in the same batch)'],
      ] as const;
      for (const [insertLinks, message] of refused)
        await expect(
          store.sync.commitBatch({ lease, sync: 'crm', insertLinks, consumed: [{ side: 'a', rid: 'a1' }], at: at(3) }),
        ).rejects.toMatchObject({ code: 'SYNC_LINK_TAKEN', message: expect.stringContaining(message) });
      const moved = { id: first[1] ?? 0, aId: 'a1' };
      await expect(
        store.sync.commitBatch({ lease, sync: 'crm', updateLinks: [moved], at: at(3) }),
      ).rejects.toMatchObject({
        code: 'SYNC_LINK_TAKEN',
        message: expect.stringContaining('record a:"a1" is already linked'),
      });
      expect(await store.sync.countLinks({ sync: 'crm' })).toBe(5);
      expect(await store.sync.countStaged('crm')).toEqual({ pending: 1, parked: 0 });
      // a key moves to another link when its old link goes in the same batch
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        deleteLinks: [first[0] ?? 0],
        updateLinks: [moved],
        at: at(4),
      });
      expect((await store.sync.linksByIds('crm', 'a', ['a1', 'a2'])).map((l) => l.id)).toEqual([first[1]]);
      // the same keys in another sync are another record
      const erp = await claimSync(store, 'erp');
      await store.sync.commitBatch({
        lease: erp,
        sync: 'erp',
        insertLinks: [link('a1', 'b1', { sync: 'erp' })],
        at: at(3),
      });
      expect(await store.sync.countLinks({ sync: 'erp' })).toBe(1);
    });

    it('lists and counts links by status, key on either side or text in the base values, paged by id', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const { linkIds } = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: [
          link('a1', 'b1', { baseA: { name: 'Zoë MULLER' } }),
          link('a2', 'b2', { status: 'error', baseB: { note: '100%_done' } }),
          link('a3', null, { status: 'pending-create' }),
          link('b1', 'x', { status: 'conflict', baseA: { ref: 'A3 or b2' }, baseB: {} }),
        ],
        at: at(1),
      });
      const ids = async (filter: Omit<LinkFilter, 'sync'>) => {
        const list = (await store.sync.listLinks({ sync: 'crm', ...filter })).map((l) => linkIds.indexOf(l.id) + 1);
        const { afterId: _, limit: __, ...counted } = filter;
        return [list, await store.sync.countLinks({ sync: 'crm', ...counted })];
      };
      expect(await ids({})).toEqual([[1, 2, 3, 4], 4]);
      expect(await ids({ status: 'error' })).toEqual([[2], 1]);
      expect(await ids({ status: ['error', 'pending-create'] })).toEqual([[2, 3], 2]);
      expect(await ids({ search: 'b1' })).toEqual([[1, 4], 2]);
      expect(await ids({ search: 'muLLer' })).toEqual([[1], 1]);
      expect(await ids({ search: 'zoë m' })).toEqual([[1], 1]);
      expect(await ids({ search: '0%_d' })).toEqual([[2], 1]);
      expect(await ids({ search: '0%x' })).toEqual([[], 0]);
      expect(await ids({ search: 'person a3' })).toEqual([[3], 1]);
      // a key of a link names that record: text that only looks like it is not searched then
      expect(await ids({ search: 'a3' })).toEqual([[3], 1]);
      expect(await ids({ search: 'a3 or' })).toEqual([[4], 1]);
      expect(await ids({ search: 'A3' })).toEqual([[3, 4], 2]);
      expect(await ids({ search: 'b1', status: 'conflict' })).toEqual([[4], 1]);
      expect(await ids({ limit: 2 })).toEqual([[1, 2], 4]);
      expect(await ids({ afterId: linkIds[1] ?? 0, limit: 1 })).toEqual([[3], 4]);
      expect(await store.sync.listLinks({ sync: 'other' })).toEqual([]);
      const pending = await store.sync.linksByStatus('crm', 'pending-create', 0, 10);
      expect(pending.map((l) => l.aId)).toEqual(['a3']);
      expect(await store.sync.linksByStatus('crm', 'pending-create', pending[0]?.id ?? 0, 10)).toEqual([]);
      expect((await store.sync.linksByIds('crm', 'a', ['a2', 'a1', 'zz'])).map((l) => l.aId)).toEqual(['a1', 'a2']);
    });

    it('review actions change or remove a link without a lease', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const [id] = (await store.sync.commitBatch({ lease, sync: 'crm', insertLinks: [link('a1', 'b1')], at: at(1) }))
        .linkIds;
      await store.sync.updateLink(
        { id: id ?? 0, status: 'pending-delete', deletedOn: 'b', error: 'gone', failures: 2 },
        at(5),
      );
      expect(await store.sync.getLink(id ?? 0)).toMatchObject({
        status: 'pending-delete',
        deletedOn: 'b',
        error: 'gone',
        failures: 2,
        bId: 'b1',
        updatedAt: at(5),
      });
      expect(await store.sync.deleteLink(id ?? 0)).toBe(true);
      expect(await store.sync.deleteLink(id ?? 0)).toBe(false);
    });
  });

  describe('reconcile (seen keys)', () => {
    it('finds the links whose key on a side a full read did not see (not pending creates), per side', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const { linkIds } = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: [
          link('a1', 'b1'),
          link('a2', 'b2'),
          link('a3', null, { status: 'pending-create' }),
          link('a4', 'b4'),
        ],
        at: at(1),
      });
      await store.sync.addSeen({ lease, sync: 'crm', side: 'a', rids: ['a1', 'a9'] });
      await store.sync.addSeen({ lease, sync: 'crm', side: 'a', rids: ['a1', 'a4'] }); // seen twice is fine
      await store.sync.addSeen({ lease, sync: 'crm', side: 'b', rids: ['a2', 'b1'] });
      await store.sync.addSeen({ lease, sync: 'other', side: 'a', rids: ['a2'] });
      const ids = (rows: { aId: string | null }[]) => rows.map((r) => r.aId);
      expect(ids(await store.sync.unseenLinks('crm', 'a', 0, 10))).toEqual(['a2']);
      expect(ids(await store.sync.unseenLinks('crm', 'b', 0, 10))).toEqual(['a2', 'a4']);
      expect(ids(await store.sync.unseenLinks('crm', 'b', linkIds[1] ?? 0, 10))).toEqual(['a4']);
      expect(ids(await store.sync.unseenLinks('crm', 'b', 0, 1))).toEqual(['a2']);
      await store.sync.clearSeen('crm', 'b');
      expect(ids(await store.sync.unseenLinks('crm', 'b', 0, 10))).toEqual(['a1', 'a2', 'a4']);
      expect(ids(await store.sync.unseenLinks('crm', 'a', 0, 10))).toEqual(['a2']);
      await store.sync.clearSeen('crm');
      expect(ids(await store.sync.unseenLinks('crm', 'a', 0, 10))).toEqual(['a1', 'a2', 'a4']);
    });
  });
}
