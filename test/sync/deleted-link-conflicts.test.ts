import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { at } from '../store/store-fixtures.js';
import { claimSync, fieldConflict, link } from '../store/sync-fixtures.js';

/**
 * Found by the convergence test: a pair deleted by a run (a propagated delete, or deleted on both sides)
 * left its open conflicts in the review queue, naming a link that no longer exists. Deleting a link in a
 * batch clears its unsettled conflicts in the same transaction; other links' conflicts stay.
 */
describe('a deleted link takes its unsettled conflicts with it', () => {
  it('clears open and resolved conflicts of deleted links, and only theirs', async () => {
    const store = await openStore(':memory:');
    try {
      const lease = await claimSync(store, 'crm');
      const { linkIds } = await store.sync.commitBatch({
        lease,
        sync: 'crm',
        insertLinks: [link('a1', 'b1'), link('a2', 'b2')],
        at: at(1),
      });
      const [gone = 0, kept = 0] = linkIds;
      await store.sync.commitBatch({
        lease,
        sync: 'crm',
        openConflicts: [fieldConflict(gone, 'name'), fieldConflict(gone, 'email'), fieldConflict(kept, 'name')],
        at: at(2),
      });
      const [, resolvedOne] = await store.sync.listConflicts({ sync: 'crm', linkId: gone });
      await store.sync.resolveConflicts({ ids: [resolvedOne?.id ?? 0] }, { take: 'a' }, null, at(3));

      await store.sync.commitBatch({ lease, sync: 'crm', deleteLinks: [gone], at: at(4) });

      const all = await store.sync.listConflicts({ sync: 'crm' });
      expect(all.map((c) => [c.linkId, c.field, c.status])).toEqual([
        [gone, 'name', 'cleared'],
        [gone, 'email', 'cleared'],
        [kept, 'name', 'open'],
      ]);
      expect(await store.sync.getLink(gone)).toBeUndefined();
    } finally {
      await store.close();
    }
  });
});
