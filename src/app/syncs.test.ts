import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Seeded, seedSyncReview } from '../../test/helpers/sync-review.js';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { FlowError, ManualClock } from '../sdk/index.js';
import { openStore, type StateStore } from '../store/index.js';
import { createSyncline, type Syncline } from './create-syncline.js';

let seeded: Seeded;
let store: StateStore;
let app: Syncline;
const clock = new ManualClock(new Date('2026-12-02T08:00:00Z'));

beforeEach(async () => {
  seeded = await seedSyncReview();
  store = await openStore(seeded.db);
  app = createSyncline({ store, catalog: testCatalog, env: {}, clock });
});
afterEach(async () => {
  await app.close();
  await store.close();
  seeded.cleanup();
});

const codeOf = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (error) {
    return error instanceof FlowError ? [error.code, error.message] : ['thrown', String(error)];
  }
  return ['no error', ''];
};

describe('syncs as an operator reviews them (app)', () => {
  it('finds a sync through the file of its last run; an unknown one is SYNC_NOT_FOUND listing the syncs', async () => {
    const info = await app.syncs.lookup.find('customers');
    expect(info).toEqual(expect.objectContaining({ file: seeded.file, labels: { a: 'crm', b: 'erp' } }));
    expect(await codeOf(app.syncs.lookup.find('custmers'))).toEqual([
      'SYNC_NOT_FOUND',
      'no sync named "custmers" has run with this state store (syncs: customers)',
    ]);
    expect(await codeOf(app.syncs.lookup.find('nope', seeded.file))).toEqual([
      'SYNC_NOT_FOUND',
      `no sync named "nope" in ${seeded.file} (syncs: customers)`,
    ]);
  });

  it("lists conflicts masked by the sync's pii (the email conflict's values; the name conflict's shown)", async () => {
    const { conflicts, total } = await app.syncs.conflicts.list({ sync: 'customers', status: 'open', limit: 10 });
    expect(total).toBe(3);
    const email = conflicts.find((c) => c.field === 'email');
    expect([email?.base, email?.aValue, email?.bValue]).toEqual(['***.com', '***.com', '***.com']);
    expect(conflicts.find((c) => c.field === 'name')?.aValue).toBe('Person Two A');
    const match = conflicts.find((c) => c.kind === 'match');
    expect(match?.candidates).toEqual([
      { side: 'a', rid: '9', values: { email: '***.com', full_name: 'Twin' } },
      { side: 'b', rid: 'C-90', values: { email_address: '***.com', name: 'Twin One' } },
      { side: 'b', rid: 'C-91', values: { email_address: '***.com', name: 'Twin Two' } },
    ]);
    const unmasked = await app.syncs.conflicts.show(seeded.conflicts.email, { unmask: true });
    expect(unmasked.conflict.aValue).toBe('ada.a@example.com');
    expect(unmasked.names).toEqual({ a: 'email', b: 'email_address' });
    // paging: after the first, by id
    const page = await app.syncs.conflicts.list({ sync: 'customers', limit: 1, afterId: seeded.conflicts.email });
    expect(page.conflicts.map((c) => c.id)).toEqual([seeded.conflicts.name]);
  });

  it('resolves all or none: a resolution that does not suit one conflict resolves nothing', async () => {
    const { email, match } = seeded.conflicts;
    expect(await codeOf(app.syncs.conflicts.resolve({ ids: [email, match] }, { take: 'a' }))).toEqual([
      'CONFIG_INVALID',
      expect.stringContaining(`conflict ${match} is a match conflict (9)`),
    ]);
    expect((await store.sync.getConflict(email))?.status).toBe('open');
    expect(await codeOf(app.syncs.conflicts.resolve({ ids: [match] }, { take: 'pair', pairWith: 'C-7' }))).toEqual([
      'CONFIG_INVALID',
      `nothing resolved: conflict ${match}: "C-7" is not one of its candidates (C-90, C-91)`,
    ]);
    // the record itself (first in the candidates) is no partner of its own
    expect(await codeOf(app.syncs.conflicts.resolve({ ids: [match] }, { take: 'pair', pairWith: '9' }))).toEqual([
      'CONFIG_INVALID',
      `nothing resolved: conflict ${match}: "9" is not one of its candidates (C-90, C-91)`,
    ]);
    expect(await codeOf(app.syncs.conflicts.resolve({ ids: [999] }, { take: 'a' }))).toEqual([
      'SYNC_CONFLICT_NOT_FOUND',
      'conflict 999: no conflict has this id',
    ]);
    const done = await app.syncs.conflicts.resolve({ ids: [match] }, { take: 'pair', pairWith: 'C-91' }, 'same person');
    expect(done.map((c) => c.id)).toEqual([match]);
    const stored = await store.sync.getConflict(match);
    expect([stored?.status, stored?.resolution, stored?.note]).toEqual([
      'resolved',
      { take: 'pair', pairWith: 'C-91' },
      'same person',
    ]);
    expect(await codeOf(app.syncs.conflicts.resolve({ ids: [match] }, { take: 'separate' }))).toEqual([
      'SYNC_CONFLICT_NOT_FOUND',
      `conflict ${match}: it is resolved, not open`,
    ]);
  });

  it('bulk resolve acts on exactly the filter: field conflicts of one field', async () => {
    const selected = await app.syncs.conflicts.select({ filter: { sync: 'customers', field: 'name' } });
    expect(selected.map((c) => c.id)).toEqual([seeded.conflicts.name]);
    await app.syncs.conflicts.resolve({ ids: selected.map((c) => c.id) }, { take: 'b' });
    const open = await store.sync.listConflicts({ sync: 'customers', status: 'open' });
    expect(open.map((c) => c.id).sort()).toEqual([seeded.conflicts.email, seeded.conflicts.match].sort());
  });

  it('links: search by key or value, masked; unlink forgets; relink refuses a record paired elsewhere', async () => {
    const [l1, l2] = seeded.links as [number, number];
    const all = await app.syncs.links.list('customers', { limit: 10 });
    expect(all.total).toBe(4);
    expect(all.links[0]?.baseA).toEqual({ email: '***.com', full_name: 'Person Number 1' });
    expect(all.links[0]?.baseB).toEqual({ email_address: '***.com', name: 'Person Number 1' });
    expect((await app.syncs.links.list('customers', { limit: 10, search: 'C-2' })).links.map((l) => l.id)).toEqual([
      l2,
    ]);
    expect((await app.syncs.links.list('customers', { limit: 10, status: 'error' })).links[0]?.error).toBe(
      'erp refused the update',
    );
    expect(await codeOf(app.syncs.links.relink('customers', l1, { a: '1', b: 'C-2' }))).toEqual([
      'CONFIG_INVALID',
      `sync customers: record C-2 of erp is already paired in link ${l2}`,
    ]);
    const removed = await app.syncs.links.unlink('customers', l2);
    expect([removed.aId, removed.bId]).toEqual(['2', 'C-2']);
    expect(await store.sync.getLink(l2)).toBeUndefined();
    // the pair's field conflict goes with it
    expect((await store.sync.getConflict(seeded.conflicts.name))?.status).toBe('cleared');
    expect((await store.sync.getConflict(seeded.conflicts.email))?.status).toBe('open');
    const relinked = await app.syncs.links.relink('customers', l1, { a: '1', b: 'C-2' });
    expect(relinked).toEqual(
      expect.objectContaining({ aId: '1', bId: 'C-2', status: 'linked', aHash: null, baseA: {}, baseB: {} }),
    );
    expect((await store.sync.getConflict(seeded.conflicts.email))?.status).toBe('cleared');
    // the lease the changes were made under is released
    expect((await store.getLease('customers'))?.owner).toBeNull();
    expect(await codeOf(app.syncs.links.unlink('customers', 9999))).toEqual([
      'SYNC_LINK_NOT_FOUND',
      'sync customers has no link 9999',
    ]);
  });

  it("resync stages the side's last synced values as a change and clears the link's bases and hashes", async () => {
    const [l1] = seeded.links as [number];
    const link = await app.syncs.links.resync('customers', l1, 'b');
    expect(link).toEqual(expect.objectContaining({ aHash: null, bHash: null, baseA: {}, baseB: {}, status: 'linked' }));
    const [staged] = await store.sync.stagedByIds('customers', 'b', ['C-1']);
    expect(staged).toEqual(
      expect.objectContaining({
        rid: 'C-1',
        values: { email_address: 'person1@example.com', name: 'Person Number 1' },
        hash: 'hb1',
        changedAt: '2026-12-01T09:30:00Z',
        deleted: false,
      }),
    );
    // the lease it took is released: a run can claim the sync at once
    expect((await store.getLease('customers'))?.owner).toBeNull();
    const [, , l3] = seeded.links as [number, number, number];
    expect(await codeOf(app.syncs.links.resync('customers', l3, 'a'))).toEqual([
      'CONFIG_INVALID',
      `sync customers: link ${l3} is a pending delete of side b: there is no pair to re-send`,
    ]);
  });

  it('pending deletes: listed, approved (delete-approved) or ignored (linked, deletedOn cleared)', async () => {
    const [l1, , l3] = seeded.links as [number, number, number];
    const listed = await app.syncs.deletes.list('customers', { limit: 10 });
    expect(listed.links.map((l) => [l.id, l.deletedOn])).toEqual([[l3, 'b']]);
    expect(await codeOf(app.syncs.deletes.approve('customers', { ids: [l1] }))).toEqual([
      'SYNC_LINK_NOT_FOUND',
      `sync customers has no pending delete with link id ${l1} (the link is linked)`,
    ]);
    expect((await app.syncs.deletes.approve('customers', { all: true })).map((l) => l.id)).toEqual([l3]);
    expect((await store.sync.getLink(l3))?.status).toBe('delete-approved');
    await store.sync.updateLink({ id: l3, status: 'pending-delete' }, clock.now());
    await app.syncs.deletes.ignore('customers', { ids: [l3] });
    expect(await store.sync.getLink(l3)).toEqual(expect.objectContaining({ status: 'linked', deletedOn: null }));
  });

  it('status lists the sync apart from flows: last run, next schedule, review queues', async () => {
    const { flows, syncs } = await app.status.report();
    expect(flows).toEqual([]);
    expect(syncs).toEqual([
      expect.objectContaining({
        sync: 'customers',
        lastRun: expect.objectContaining({ id: seeded.runId }),
        labels: { a: 'crm', b: 'erp' },
        schedule: '0 * * * *',
        nextRun: new Date('2026-12-02T09:00:00Z'),
        links: 4,
        openConflicts: 3,
        pendingDeletes: 1,
        pendingChanges: 0,
        parkedChanges: 0,
        openErrors: 0,
      }),
    ]);
  });
});
