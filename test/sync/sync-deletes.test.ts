import { afterEach, describe, expect, it } from 'vitest';
import { recordingConnector, SYNC, type SyncWorld, syncWorld, type WriteCall } from './sync-fixture.js';

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** Two linked pairs after a first run (and the run reading its echoes). */
async function linked(w: SyncWorld) {
  const t = '2025-12-31T00:00:00.000Z';
  for (const [email, name] of [
    ['ann@x.org', 'Ann'],
    ['bob@x.org', 'Bob'],
  ]) {
    w.crm.prepare('INSERT INTO contacts (email, name, phone, updated_at) VALUES (?, ?, ?, ?)').run(email, name, '1', t);
  }
  await w.run();
  await w.run();
  expect(w.customers()).toHaveLength(2);
}

describe('sync deletes', () => {
  it('propagate: a soft delete on a side deletes the pair through the other side’s soft-delete field; the link goes', async () => {
    world = await syncWorld();
    await linked(world);
    world.crm.prepare('UPDATE contacts SET deleted = 1, updated_at = ? WHERE id = 1').run(world.tick());
    const run = await world.run({ deletes: { policy: 'propagate' } });
    expect(run.status).toBe('succeeded');
    expect(run.counts.sync?.b.deleted).toBe(1);
    expect(world.customers()[0]).toMatchObject({ removed: 1 });
    expect(await world.store.sync.countLinks({ sync: SYNC })).toBe(1);
    // the soft-deleted record read back is not created again
    const calm = await world.run({ deletes: { policy: 'propagate' } });
    expect(calm.counts.written).toBe(0);
    expect(world.contacts()).toHaveLength(2);
  });

  it('flag: sets the flag field on the other side', async () => {
    world = await syncWorld();
    await linked(world);
    world.erp.prepare('UPDATE customers SET removed = 1, changed = ? WHERE cid = 2').run(world.tick());
    const run = await world.run({ deletes: { policy: 'flag', flag: { a: { field: 'deleted', value: 7 } } } });
    expect(run.counts.sync?.a.updated).toBe(1);
    expect(world.contacts()[1]).toMatchObject({ deleted: 7 });
  });

  it('review: holds a pending delete; a later change clears it; an approved one is propagated', async () => {
    const calls: WriteCall[] = [];
    world = await syncWorld({ connectors: recordingConnector(calls) });
    await linked(world);
    const review = { deletes: { policy: 'review' as const } };
    world.crm.prepare('UPDATE contacts SET deleted = 1, updated_at = ? WHERE id = 1').run(world.tick());
    const held = await world.run(review);
    expect(held.counts.sync?.pendingDeletes).toBe(1);
    const [pending] = await world.store.sync.listLinks({ sync: SYNC, status: 'pending-delete' });
    expect(pending).toMatchObject({ aId: '1', deletedOn: 'a' });
    // the record comes back: the pending delete clears itself
    world.crm
      .prepare('UPDATE contacts SET deleted = 0, name = ?, updated_at = ? WHERE id = 1')
      .run('Anne', world.tick());
    await world.run(review);
    expect(await world.store.sync.countLinks({ sync: SYNC, status: 'pending-delete' })).toBe(0);
    expect(world.customers()[0]).toMatchObject({ full_name: 'Anne', removed: 0 });
    await world.run(review);
    // deleted again, approved by a person: the next run deletes the pair
    world.crm.prepare('UPDATE contacts SET deleted = 1, updated_at = ? WHERE id = 1').run(world.tick());
    await world.run(review);
    const [again] = await world.store.sync.listLinks({ sync: SYNC, status: 'pending-delete' });
    await world.store.sync.updateLink({ id: again?.id ?? 0, status: 'delete-approved' }, world.clock.now());
    calls.length = 0;
    const approved = await world.run(review);
    expect(approved.counts.sync?.b.deleted).toBe(1);
    expect(world.customers()[0]).toMatchObject({ removed: 1 });
    expect(await world.store.sync.countLinks({ sync: SYNC })).toBe(1);
  });

  it('reconcile: a record gone from a side (no soft delete) is found by the full read, only after a run without errors', async () => {
    world = await syncWorld();
    await linked(world);
    world.erp.prepare('DELETE FROM customers WHERE cid = 2').run();
    const settings = { deletes: { policy: 'propagate' as const, reconcile: true } };
    const run = await world.run(settings);
    expect(run.counts.sync?.reconciled).toBe(true);
    expect(run.counts.sync?.a.deleted).toBe(1);
    expect(world.contacts()[1]).toMatchObject({ deleted: 1 });
    expect(await world.store.sync.countLinks({ sync: SYNC })).toBe(1);
    const calm = await world.run(settings);
    expect(calm.counts.written).toBe(0);
  });

  it('reconcile on a cron: due only when a tick fell after the last pass', async () => {
    world = await syncWorld();
    await linked(world);
    const settings = { deletes: { policy: 'propagate' as const, reconcile: '0 3 * * *' } };
    const first = await world.run(settings);
    expect(first.counts.sync?.reconciled).toBe(true);
    const soon = await world.run(settings);
    expect(soon.counts.sync?.reconciled).toBeUndefined();
    world.clock.advance(24 * 3600_000);
    const nextDay = await world.run(settings);
    expect(nextDay.counts.sync?.reconciled).toBe(true);
  });
});
