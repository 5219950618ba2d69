import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { type Seeded, seedSyncReview } from '../../test/helpers/sync-review.js';
import { openStore } from '../store/index.js';
import { linksList, linksRelink, linksResync, linksUnlink } from './links-command.js';

let s: Seeded;
beforeEach(async () => {
  s = await seedSyncReview();
});
afterEach(() => s.cleanup());

const linkOf = async (id: number) => {
  const store = await openStore(s.db);
  try {
    return await store.sync.getLink(id);
  } finally {
    await store.close();
  }
};

describe('syncline links …', () => {
  it('lists both keys, status, last synced time and values (pii masked), with search, status and paging', async () => {
    const out = await captured(() => linksList('customers', { db: s.db, limit: 3 }));
    expect(out.stdout.split('\n')[0]).toMatch(
      /^link\s+crm key\s+erp key\s+status\s+synced \(UTC\)\s+crm values\s+erp values/,
    );
    expect(out.stdout).toMatch(/1\s+1\s+C-1\s+linked\s+2026-12-01 10:00:00\s+\{"email":"\*\*\*\.com"/);
    expect(out.stdout).toMatch(/3\s+3\s+C-3\s+pending-delete \(erp\)/);
    expect(out.stdout).toContain(`3 of 4 shown; next page: --after ${s.links[2]}`);
    expect(out.stdout).not.toContain('person1@example.com');
    const unmasked = await captured(() => linksList('customers', { db: s.db, limit: 3, unmask: true }));
    expect(unmasked.stdout).toContain('person1@example.com');
    const found = JSON.parse(
      (await captured(() => linksList('customers', { db: s.db, limit: 9, search: 'Person Number 4', json: true })))
        .stdout,
    ) as { id: number; status: string; baseA: unknown }[];
    expect(found.map((l) => [l.id, l.status])).toEqual([[s.links[3], 'error']]);
    expect(found[0]?.baseA).toEqual({ email: '***.com', full_name: 'Person Number 4' });
    const none = await captured(() => linksList('customers', { db: s.db, limit: 9, search: 'zzz', status: 'linked' }));
    expect(none.stdout).toBe('no links of sync customers match (search=zzz status=linked)\n');
    await expect(linksList('customers', { db: s.db, limit: 9, status: 'paired' })).rejects.toThrow(
      'unknown link status "paired"',
    );
    await expect(linksList('orders', { db: s.db, limit: 9 })).rejects.toThrow('no sync named "orders"');
  });

  it('unlink says both records are treated as new; relink pairs two records; unknown ids are SYNC_LINK_NOT_FOUND', async () => {
    const [l1, l2] = s.links as [number, number];
    const out = await captured(() => linksUnlink('customers', String(l2), { db: s.db }));
    expect(out.stdout).toBe(
      `link ${l2} removed: crm 2 and erp C-2 are no longer paired.\nBoth records are treated as new the next time their side reads them: paired again by the match rule, or created on the other side.\n`,
    );
    expect(await linkOf(l2)).toBeUndefined();
    const relink = await captured(() => linksRelink('customers', String(l1), { db: s.db, a: '2', b: 'C-2' }));
    expect(relink.stdout).toContain(`link ${l1} now pairs crm 2 with erp C-2.`);
    expect(await linkOf(l1)).toEqual(expect.objectContaining({ aId: '2', bId: 'C-2', baseA: {}, baseB: {} }));
    await expect(linksUnlink('customers', '4242', { db: s.db })).rejects.toThrow('sync customers has no link 4242');
    await expect(linksUnlink('customers', 'x', { db: s.db })).rejects.toThrow('"x" is not a valid link id');
    await expect(linksRelink('customers', String(l1), { db: s.db, a: '2' })).rejects.toThrow(
      'relink needs both records: --a <key> --b <key>',
    );
  });

  it('resync: from side a by default (the policy is manual), the run command to apply it; --from b; bad side refused', async () => {
    const [l1, l2] = s.links as [number, number];
    const out = await captured(() => linksResync('customers', String(l1), { db: s.db }));
    expect(out.stdout).toBe(
      `link ${l1} marked for resync: the next run sends crm 1's values to erp C-1 (every synced field).\nRun it: syncline run ${s.file} customers\n`,
    );
    expect(await linkOf(l1)).toEqual(expect.objectContaining({ aHash: null, bHash: null, baseA: {}, baseB: {} }));
    const fromB = await captured(() => linksResync('customers', String(l2), { db: s.db, from: 'b' }));
    expect(fromB.stdout).toContain("sends erp C-2's values to crm 2");
    await expect(linksResync('customers', String(l2), { db: s.db, from: 'c' })).rejects.toThrow(
      '--from c: name side a or b',
    );
  });
});
