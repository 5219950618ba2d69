import { describe, expect, it } from 'vitest';
import type { ConflictFilter, StateStore } from '../../src/store/index.js';
import { at } from './store-fixtures.js';
import { claimSync, fieldConflict } from './sync-fixtures.js';

/** The conflict queue: opened by a batch (a repeat updates the open one), listed, resolved in bulk, closed. */
export function describeSyncConflictConformance(current: () => StateStore): void {
  describe('conflicts', () => {
    it('opens a conflict with every field round-tripped; a repeat updates the unsettled one instead of adding a second', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const open = (c: ReturnType<typeof fieldConflict>, ms: number) =>
        store.sync.commitBatch({ lease, sync: 'crm', openConflicts: [c], at: at(ms) });
      await open(fieldConflict(7, 'email', { base: { deep: ['x', null] } }), 1);
      const [first] = await store.sync.listConflicts({ sync: 'crm' });
      expect(first).toEqual({
        ...fieldConflict(7, 'email', { base: { deep: ['x', null] } }),
        id: expect.any(Number),
        status: 'open',
        resolution: null,
        note: null,
        createdAt: at(1),
        updatedAt: at(1),
      });
      await open(fieldConflict(7, 'email', { aValue: 'newer a', runId: 2 }), 2);
      await open(fieldConflict(7, 'phone'), 2); // another field of the link: its own conflict
      expect(await store.sync.countConflicts({ sync: 'crm' })).toBe(2);
      expect(await store.sync.getConflict(first?.id ?? 0)).toMatchObject({
        aValue: 'newer a',
        base: 'old',
        runId: 2,
        createdAt: at(1),
        updatedAt: at(2),
      });
      // resolved and not applied yet: still the same conflict, its resolution kept
      await store.sync.resolveConflicts({ ids: [first?.id ?? 0] }, { take: 'a', by: 'ann' }, 'keep a', at(3));
      await open(fieldConflict(7, 'email', { bValue: 'newer b', runId: 3 }), 4);
      expect(await store.sync.getConflict(first?.id ?? 0)).toMatchObject({
        bValue: 'newer b',
        status: 'resolved',
        resolution: { take: 'a', by: 'ann' },
        note: 'keep a',
        runId: 3,
      });
      // applied: settled, so the next one is new
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        closeConflicts: [{ id: first?.id ?? 0, status: 'applied' }],
        at: at(5),
      });
      await open(fieldConflict(7, 'email'), 6);
      expect(await store.sync.countConflicts({ sync: 'crm', field: 'email' })).toBe(2);
      expect(await store.sync.countConflicts({ sync: 'crm', status: 'applied' })).toBe(1);
      // match conflicts: the same record and link is the same conflict
      const match = fieldConflict(0, 'x', {
        kind: 'match',
        linkId: null,
        field: null,
        bId: null,
        candidates: [{ side: 'b', rid: 'b1', values: {} }],
      });
      await open(match, 7);
      await open({ ...match, candidates: [{ side: 'b', rid: 'b2', values: {} }] }, 8);
      await open({ ...match, aId: 'a-other' }, 8);
      const matches = await store.sync.listConflicts({ sync: 'crm', kind: 'match' });
      expect(matches.map((c) => [c.aId, c.candidates])).toEqual([
        ['a0', [{ side: 'b', rid: 'b2', values: {} }]],
        ['a-other', [{ side: 'b', rid: 'b1', values: {} }]],
      ]);
    });

    it('lists and counts by every filter field, and resolves exactly the open ones the filter names', async () => {
      const store = current();
      const lease = await claimSync(store, 'crm');
      const erp = await claimSync(store, 'erp');
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        openConflicts: [
          fieldConflict(1, 'email'),
          fieldConflict(1, 'phone'),
          fieldConflict(2, 'email', { aId: 'shared' }),
          fieldConflict(3, 'email', { bId: 'shared' }),
          fieldConflict(0, 'x', { kind: 'match', linkId: null, field: null, aId: 'm1', bId: null }),
        ],
        at: at(1),
      });
      await store.sync.commitBatch({
        lease: erp,
        sync: 'erp',
        openConflicts: [fieldConflict(1, 'email', { sync: 'erp' })],
        at: at(1),
      });
      const all = await store.sync.listConflicts({});
      const n = (id: number) => all.findIndex((c) => c.id === id) + 1;
      const check = async (filter: ConflictFilter) => {
        const listed = (await store.sync.listConflicts(filter)).map((c) => n(c.id));
        const { afterId: _, limit: __, ...counted } = filter;
        return [listed, await store.sync.countConflicts(counted)];
      };
      expect(await check({})).toEqual([[1, 2, 3, 4, 5, 6], 6]);
      expect(await check({ sync: 'crm' })).toEqual([[1, 2, 3, 4, 5], 5]);
      expect(await check({ sync: 'crm', kind: 'match' })).toEqual([[5], 1]);
      expect(await check({ sync: 'crm', field: 'email' })).toEqual([[1, 3, 4], 3]);
      expect(await check({ linkId: 1 })).toEqual([[1, 2, 6], 3]);
      expect(await check({ sync: 'crm', record: 'shared' })).toEqual([[3, 4], 2]);
      expect(await check({ sync: 'crm', record: 'm1' })).toEqual([[5], 1]);
      expect(await check({ sync: 'crm', limit: 2 })).toEqual([[1, 2], 5]);
      expect(await check({ sync: 'crm', afterId: all[2]?.id ?? 0, limit: 1 })).toEqual([[4], 5]);

      const c2 = all[1]?.id ?? 0;
      expect(await store.sync.resolveConflicts({ ids: [c2] }, { take: 'b' }, null, at(2))).toEqual([c2]);
      expect(await store.sync.resolveConflicts({ ids: [c2, 999_999] }, { take: 'a' }, null, at(3))).toEqual([]);
      expect((await store.sync.getConflict(c2))?.resolution).toEqual({ take: 'b' });
      const resolved = await store.sync.resolveConflicts(
        { filter: { sync: 'crm', field: 'email' } },
        { take: 'value', value: { v: 1 } },
        'bulk',
        at(4),
      );
      expect(resolved.map(n)).toEqual([1, 3, 4]);
      expect(await check({ status: 'open' })).toEqual([[5, 6], 2]);
      expect(await check({ status: ['resolved', 'applied'] })).toEqual([[1, 2, 3, 4], 4]);
      expect(await store.sync.getConflict(all[0]?.id ?? 0)).toMatchObject({
        status: 'resolved',
        resolution: { take: 'value', value: { v: 1 } },
        note: 'bulk',
        updatedAt: at(4),
      });
      expect(
        await store.sync.resolveConflicts({ filter: { sync: 'crm', field: 'email' } }, { take: 'a' }, null, at(5)),
      ).toEqual([]);
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        closeConflicts: [{ id: all[4]?.id ?? 0, status: 'cleared' }],
        at: at(6),
      });
      expect(await check({ sync: 'crm', status: 'cleared' })).toEqual([[5], 1]);
      expect(await store.sync.getConflict(987_654)).toBeUndefined();
    });
  });
}
