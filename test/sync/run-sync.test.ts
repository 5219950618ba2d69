import { afterEach, describe, expect, it } from 'vitest';
import { FlowError } from '../../src/sdk/index.js';
import {
  addContact,
  addCustomer,
  recordingConnector,
  SYNC,
  type SyncWorld,
  syncWorld,
  type WriteCall,
} from './sync-fixture.js';

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const writes = (calls: WriteCall[]) => calls.reduce((n, c) => n + c.records.length, 0);

/** Seeds: two contacts and two customers, one pair matching by email (case and spaces differ). */
function seed(w: SyncWorld) {
  const t = '2025-12-31T00:00:00.000Z';
  addContact(w, 'ann@x.org', 'Ann', '1', t);
  addContact(w, 'bob@x.org', 'Bob', '2', t);
  addCustomer(w, ' ANN@x.org', 'Ann', '1', t);
  addCustomer(w, 'cat@x.org', 'Cat', '3', t);
}

describe('sync run', () => {
  it('links pairs by the match rule, creates the rest on the other side, and a second run writes nothing', async () => {
    const calls: WriteCall[] = [];
    world = await syncWorld({ connectors: recordingConnector(calls) });
    seed(world);
    const first = await world.run();
    expect(first.error).toBeNull();
    expect(first.status).toBe('succeeded');
    expect(first.counts.sync).toMatchObject({ matched: 1, a: { read: 2, created: 1 }, b: { read: 2, created: 1 } });
    expect(world.contacts().map((c) => c.email)).toEqual(['ann@x.org', 'bob@x.org', 'cat@x.org']);
    // the matched pair's emails differed (case, spaces): side a's wins on that field (its policy)
    expect(world.customers().map((c) => c.mail)).toEqual(['ann@x.org', 'cat@x.org', 'bob@x.org']);
    const links = await world.store.sync.listLinks({ sync: SYNC });
    expect(links.map((l) => [l.aId, l.bId, l.status]).sort()).toEqual([
      ['1', '1', 'linked'],
      ['2', '3', 'linked'],
      ['3', '2', 'linked'],
    ]);
    calls.length = 0;
    const second = await world.run();
    expect(second.status).toBe('succeeded');
    expect(writes(calls)).toBe(0);
    expect(second.counts.written).toBe(0);
    expect(second.counts.sync?.a.echoes).toBeGreaterThan(0);
    // the third reads again what the overlap (5s below the watermark) covers: the very versions the
    // links hold, counted as echoes and not even staged (no pair is planned), nothing written
    const third = await world.run();
    expect(third.counts.read).toBeGreaterThan(0);
    expect(third.counts.sync?.unchanged).toBe(0);
    expect(third.counts.sync?.a.echoes).toBe(third.counts.sync?.a.read);
    expect(writes(calls)).toBe(0);
  });

  it('sends an update with only the changed fields, and the echo of that write is not sent back', async () => {
    const calls: WriteCall[] = [];
    world = await syncWorld({ connectors: recordingConnector(calls) });
    seed(world);
    await world.run();
    await world.run(); // the echoes of the first run's writes
    calls.length = 0;
    world.crm.prepare('UPDATE contacts SET name = ?, updated_at = ? WHERE id = 1').run('Anne', world.tick());
    const run = await world.run();
    // side a reads Anne's change (and, within its overlap, the echoes of the first run's writes again)
    expect(run.counts.sync).toMatchObject({ a: { updated: 0 }, b: { updated: 1 } });
    expect(calls).toEqual([
      {
        table: 'customers',
        operation: 'update',
        records: [{ full_name: 'Anne', changed: expect.any(String), cid: '1' }],
      },
    ]);
    expect(world.customers()[0]).toMatchObject({ full_name: 'Anne', tel: '1' });
    calls.length = 0;
    const echo = await world.run();
    expect(echo.counts.sync?.b.echoes).toBe(echo.counts.sync?.b.read);
    expect(echo.counts.sync?.b.echoes).toBeGreaterThan(0);
    expect(writes(calls)).toBe(0);
  });

  it('merges changes of different fields from both sides; a same-field change becomes a conflict a person resolves', async () => {
    const calls: WriteCall[] = [];
    world = await syncWorld({ connectors: recordingConnector(calls) });
    seed(world);
    await world.run();
    await world.run();
    world.crm.prepare('UPDATE contacts SET name = ?, updated_at = ? WHERE id = 1').run('Anne', world.tick());
    world.erp.prepare('UPDATE customers SET tel = ?, changed = ? WHERE cid = 1').run('99', world.tick());
    const merged = await world.run();
    expect(merged.status).toBe('succeeded');
    expect(world.contacts()[0]).toMatchObject({ name: 'Anne', phone: '99' });
    expect(world.customers()[0]).toMatchObject({ full_name: 'Anne', tel: '99' });
    await world.run(); // the echoes of both writes
    calls.length = 0;
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('11', world.tick());
    world.erp.prepare('UPDATE customers SET tel = ?, changed = ? WHERE cid = 1').run('22', world.tick());
    const clash = await world.run();
    expect(clash.counts.sync?.conflictsOpened).toBe(1);
    expect(writes(calls)).toBe(0);
    const [conflict] = await world.store.sync.listConflicts({ sync: SYNC, status: 'open' });
    expect(conflict).toMatchObject({ field: 'phone', base: '99', aValue: '11', bValue: '22' });
    await world.store.sync.resolveConflicts({ ids: [conflict?.id ?? 0] }, { take: 'b' }, null, world.clock.now());
    const applied = await world.run();
    expect(applied.status).toBe('succeeded');
    expect(world.contacts()[0]).toMatchObject({ phone: '22' });
    expect(world.customers()[0]).toMatchObject({ tel: '22' });
    expect((await world.store.sync.getConflict(conflict?.id ?? 0))?.status).toBe('applied');
    await world.run();
    calls.length = 0;
    // another clash, then both sides agree by hand: the conflict clears itself
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('33', world.tick());
    world.erp.prepare('UPDATE customers SET tel = ?, changed = ? WHERE cid = 1').run('44', world.tick());
    await world.run();
    const [again] = await world.store.sync.listConflicts({ sync: SYNC, status: 'open' });
    world.erp.prepare('UPDATE customers SET tel = ?, changed = ? WHERE cid = 1').run('33', world.tick());
    await world.run();
    expect((await world.store.sync.getConflict(again?.id ?? 0))?.status).toBe('cleared');
  });

  it('fails before writing anything when a mapped field is missing on a side, naming the closest field', async () => {
    const calls: WriteCall[] = [];
    world = await syncWorld({ connectors: recordingConnector(calls) });
    seed(world);
    const base = world.project().syncs?.[SYNC];
    if (!base) throw new Error('no sync');
    const run = await world.run({
      b: { ...base.b, key: 'cid' },
      fields: [...base.fields.slice(0, 2), { ...(base.fields[2] as (typeof base.fields)[number]), b: 'tell' }],
    });
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'SYNC_FIELD_MISSING' });
    expect(run.error?.message).toContain('side b (erp)');
    expect(run.error?.message).toContain('"tell"');
    expect(run.error?.hint).toContain('"tel"');
    expect(writes(calls)).toBe(0);
  });

  it('fails before writing anything when more records are ambiguous than the match rule allows; fewer go to the queue, where pair and separate apply', async () => {
    const calls: WriteCall[] = [];
    world = await syncWorld({ connectors: recordingConnector(calls) });
    seed(world);
    addCustomer(world, 'ann@x.org', 'Ann 2', '1', '2025-12-31T00:00:00.000Z');
    addCustomer(world, 'bob@x.org', 'Bob 2', '1', '2025-12-31T00:00:00.000Z');
    addCustomer(world, 'bob@x.org', 'Bob 3', '1', '2025-12-31T00:00:00.000Z');
    const strict = await world.run({ match: { fields: ['email'], normalize: ['trim', 'lowercase'], maxAmbiguous: 1 } });
    expect(strict.status).toBe('failed');
    expect(strict.error).toMatchObject({ code: 'SYNC_MATCH_NOT_UNIQUE' });
    expect(strict.error?.message).toContain('2 records');
    expect(writes(calls)).toBe(0);
    // allowed: they go to the conflict queue, never guessed or created
    const lenient = await world.run();
    expect(lenient.counts.sync?.ambiguous).toBe(2);
    expect(await world.store.sync.countConflicts({ sync: SYNC, kind: 'match', status: 'open' })).toBe(2);
    expect(world.contacts().map((c) => c.email)).toEqual(['ann@x.org', 'bob@x.org', 'cat@x.org']);
    // a person pairs ann with one candidate, keeps bob apart: the rest are matched or created like new records
    const open = await world.store.sync.listConflicts({ sync: SYNC, kind: 'match', status: 'open' });
    const ann = open.find((c) => c.aId === '1');
    const bob = open.find((c) => c.aId === '2');
    const now = world.clock.now();
    await world.store.sync.resolveConflicts({ ids: [ann?.id ?? 0] }, { take: 'pair', pairWith: '1' }, null, now);
    await world.store.sync.resolveConflicts({ ids: [bob?.id ?? 0] }, { take: 'separate' }, null, now);
    const resolved = await world.run();
    expect(resolved.status).toBe('succeeded');
    const links = await world.store.sync.listLinks({ sync: SYNC, limit: 100 });
    expect(links.filter((l) => l.status === 'linked')).toHaveLength(6);
    expect(links.find((l) => l.aId === '1')?.bId).toBe('1');
    expect(world.contacts()).toHaveLength(6);
    expect(world.customers()).toHaveLength(6);
    expect(await world.store.sync.countConflicts({ sync: SYNC, kind: 'match', status: 'applied' })).toBe(2);
    const calm = await world.run();
    await world.run();
    expect((await world.run()).counts.written).toBe(0);
    expect(calm.status).toBe('succeeded');
  });

  it('keeps a change a side refuses staged, as an error record of the side, until it is parked; the link stays', async () => {
    let refuse = false;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        if (!refuse || call.table !== 'customers' || call.operation !== 'update') return write();
        const error = new FlowError('RECORD_INVALID', 'tel is not a phone number', { kind: 'record', field: 'tel' });
        return { rejected: call.records.map((_, index) => ({ index, error })) };
      }),
    });
    seed(world);
    await world.run();
    await world.run();
    const [before] = await world.store.sync.linksByIds(SYNC, 'a', ['1']);
    refuse = true;
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('555-0100', world.tick());
    const run = await world.run();
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.sync?.b.failed).toBe(1);
    expect(run.counts.failed).toBe(1);
    const [error] = await world.store.listErrors({ flow: SYNC });
    expect(error).toMatchObject({
      code: 'RECORD_INVALID',
      recordId: 'a:1',
      field: 'tel',
      stage: { kind: 'destination', name: 'b:erp' },
    });
    expect(JSON.stringify(error?.payload)).toContain('555-0100');
    const [after] = await world.store.sync.linksByIds(SYNC, 'a', ['1']);
    expect(after?.baseB).toEqual(before?.baseB);
    const [staged] = await world.store.sync.stagedByIds(SYNC, 'a', ['1']);
    expect(staged).toMatchObject({ attempts: 1, parked: false });
    await world.run();
    await world.run();
    const [parked] = await world.store.sync.stagedByIds(SYNC, 'a', ['1']);
    expect(parked).toMatchObject({ attempts: 3, parked: true });
    refuse = false;
    await world.store.sync.unpark(SYNC);
    const retried = await world.run();
    expect(retried.status).toBe('succeeded');
    expect(world.customers()[0]).toMatchObject({ tel: '555-0100' });
  });

  it('creates nothing twice after a crash between a create and its link (the intent)', async () => {
    let crash = true;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        const result = await write();
        if (crash && call.operation === 'insert' && call.table === 'customers') {
          crash = false;
          throw new FlowError('INTERNAL', 'simulated crash after the insert', { kind: 'system' });
        }
        return result;
      }),
    });
    seed(world);
    const crashed = await world.run();
    expect(crashed.status).toBe('failed');
    expect(crashed.error?.message).toContain('simulated crash');
    expect(world.customers().map((c) => c.mail)).toEqual(['ann@x.org', 'cat@x.org', 'bob@x.org']);
    expect((await world.store.sync.listLinks({ sync: SYNC, status: 'pending-create' })).length).toBe(1);
    const rerun = await world.run();
    expect(rerun.error).toBeNull();
    expect(
      world
        .customers()
        .map((c) => c.mail)
        .sort(),
    ).toEqual(['ann@x.org', 'bob@x.org', 'cat@x.org']);
    const links = await world.store.sync.listLinks({ sync: SYNC });
    expect(links.map((l) => [l.aId, l.bId, l.status]).sort()).toEqual([
      ['1', '1', 'linked'],
      ['2', '3', 'linked'],
      ['3', '2', 'linked'],
    ]);
    const calm = await world.run();
    expect(calm.counts.written).toBe(0);
  });

  it('creates again an intent whose record was never read back', async () => {
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        if (call.operation === 'insert' && call.table === 'customers' && crashOnce()) {
          throw new FlowError('INTERNAL', 'simulated crash before the insert', { kind: 'system' });
        }
        return write();
      }),
    });
    let once = true;
    const crashOnce = () => {
      const c = once;
      once = false;
      return c;
    };
    seed(world);
    expect((await world.run()).status).toBe('failed');
    expect(world.customers()).toHaveLength(2);
    const rerun = await world.run();
    expect(rerun.error).toBeNull();
    expect(
      world
        .customers()
        .map((c) => c.mail)
        .sort(),
    ).toEqual(['ann@x.org', 'bob@x.org', 'cat@x.org']);
    expect(await world.store.sync.countLinks({ sync: SYNC, status: 'linked' })).toBe(3);
  });

  it('a create whose key the side does not return fails with SYNC_NO_CREATED_ID; the intent links it on the next run', async () => {
    let hideIds = true;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        const result = await write();
        return hideIds && call.operation === 'insert' ? { rejected: result.rejected } : result;
      }),
    });
    seed(world);
    const run = await world.run();
    expect(run.status).toBe('completed_with_errors');
    const errors = await world.store.listErrors({ flow: SYNC });
    expect(errors.map((e) => [e.code, e.recordId]).sort()).toEqual([
      ['SYNC_NO_CREATED_ID', 'a:2'],
      ['SYNC_NO_CREATED_ID', 'b:2'],
    ]);
    expect(errors[0]?.message).not.toContain('x.org');
    hideIds = false;
    const next = await world.run();
    expect(next.status).toBe('succeeded');
    expect(world.customers()).toHaveLength(3);
    expect(world.contacts()).toHaveLength(3);
    expect(await world.store.sync.countLinks({ sync: SYNC, status: 'linked' })).toBe(3);
  });

  it('after a crash, finds the created record by the match key when the side changed a value on the way', async () => {
    let crash = true;
    const box: { w?: SyncWorld } = {};
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        const result = await write();
        if (crash && call.operation === 'insert' && call.table === 'customers') {
          crash = false;
          box.w?.erp.prepare("UPDATE customers SET full_name = upper(full_name) WHERE mail = 'bob@x.org'").run();
          throw new FlowError('INTERNAL', 'simulated crash after the insert', { kind: 'system' });
        }
        return result;
      }),
    });
    box.w = world;
    seed(world);
    expect((await world.run()).status).toBe('failed');
    const rerun = await world.run();
    expect(rerun.error).toBeNull();
    expect(world.customers().filter((c) => c.mail === 'bob@x.org')).toHaveLength(1);
    expect(world.contacts()).toHaveLength(3);
    expect(await world.store.sync.countLinks({ sync: SYNC, status: 'linked' })).toBe(3);
  });
});
