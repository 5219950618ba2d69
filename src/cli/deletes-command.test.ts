import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { type Seeded, seedSyncReview } from '../../test/helpers/sync-review.js';
import { openStore } from '../store/index.js';
import { deletesDecide, deletesList } from './deletes-command.js';

let s: Seeded;
beforeEach(async () => {
  s = await seedSyncReview();
});
afterEach(() => s.cleanup());

async function setPending(ids: readonly number[]) {
  const store = await openStore(s.db);
  try {
    for (const id of ids) await store.sync.updateLink({ id, status: 'pending-delete', deletedOn: 'a' }, new Date());
  } finally {
    await store.close();
  }
}

const statusOf = async (id: number) => {
  const store = await openStore(s.db);
  try {
    const link = await store.sync.getLink(id);
    return [link?.status, link?.deletedOn];
  } finally {
    await store.close();
  }
};

describe('syncline deletes …', () => {
  it('lists the pending deletes: the side that deleted, its pair, masked values, and how to approve or ignore', async () => {
    const out = await captured(() => deletesList('customers', { db: s.db, limit: 10 }));
    expect(out.stdout).toMatch(
      /^link\s+deleted on\s+its pair \(deleted if approved\)\s+since \(UTC\)\s+last synced values/,
    );
    expect(out.stdout).toMatch(/3\s+erp C-3\s+crm 3\s+2026-12-01 10:00:00\s+\{"email_address":"\*\*\*\.com"/);
    expect(out.stdout).toContain(
      'approve (the next run deletes the pair on the other side): syncline deletes approve customers',
    );
    const json = JSON.parse(
      (await captured(() => deletesList('customers', { db: s.db, limit: 10, json: true }))).stdout,
    );
    expect(json).toHaveLength(1);
  });

  it('approve by id marks it delete-approved and names the run that propagates it; ignore links it again', async () => {
    const [, , l3] = s.links as [number, number, number];
    const out = await captured(() => deletesDecide('approve', 'customers', [String(l3)], { db: s.db }));
    expect(out.stdout).toBe(
      `link ${l3}: delete approved: the next run deletes crm 3\nthe next run of sync customers propagates them: syncline run ${s.file} customers\n`,
    );
    expect(await statusOf(l3)).toEqual(['delete-approved', 'b']);
    await expect(deletesDecide('ignore', 'customers', [String(l3)], { db: s.db })).rejects.toThrow(
      `sync customers has no pending delete with link id ${l3} (the link is delete-approved)`,
    );
    await setPending([l3]);
    const ignored = await captured(() => deletesDecide('ignore', 'customers', [String(l3)], { db: s.db }));
    expect(ignored.stdout).toBe(`link ${l3}: delete ignored: erp C-3 stays, the pair is linked again\n`);
    expect(await statusOf(l3)).toEqual(['linked', null]);
  });

  it('--all prints how many first and asks for --yes when more than one', async () => {
    const [l1, , l3] = s.links as [number, number, number];
    await setPending([l1]);
    const ask = await captured(() => deletesDecide('approve', 'customers', [], { db: s.db, all: true }));
    expect(ask.status).toBe(1);
    expect(ask.stdout).toBe('2 pending deletes of sync customers\nnothing done yet: add --yes to approve all 2\n');
    expect(await statusOf(l1)).toEqual(['pending-delete', 'a']);
    const yes = await captured(() => deletesDecide('approve', 'customers', [], { db: s.db, all: true, yes: true }));
    expect(yes.stdout).toContain(`link ${l1}: delete approved: the next run deletes erp C-1`);
    expect(yes.stdout).toContain(`link ${l3}: delete approved`);
    const none = await captured(() => deletesDecide('ignore', 'customers', [], { db: s.db, all: true }));
    expect(none.stdout).toBe('no deletes of sync customers wait for review; nothing to ignore\n');
    await expect(deletesDecide('approve', 'customers', [], { db: s.db })).rejects.toThrow(
      'name the pending deletes to approve',
    );
  });
});
