import { afterEach, describe, expect, it } from 'vitest';
import { FlowError, type Logger } from '../../src/sdk/index.js';
import {
  addContact,
  addCustomer,
  recordingConnector,
  SYNC,
  type SyncWorld,
  seedPair,
  syncDefinition,
  syncWorld,
} from './sync-fixture.js';

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('sync review', () => {
  it('masks a pii field named by the sync (or one side) in the other side’s error texts too', async () => {
    let refuse = false;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        if (!refuse || call.table !== 'customers' || call.operation !== 'update') return write();
        const records = call.records;
        return {
          rejected: records.map((r, index) => ({
            index,
            error: new FlowError('RECORD_INVALID', `mail ${String(r.mail)} / tel ${String(r.tel)} refused`, {
              kind: 'record',
            }),
          })),
        };
      }),
    });
    seedPair(world);
    // pii names the sync fields (side a's names): side b's mail and tel hold the same personal data
    const pii = { pii: ['email', 'phone'] };
    expect((await world.run(pii)).status).toBe('succeeded');
    refuse = true;
    world.crm
      .prepare('UPDATE contacts SET email = ?, phone = ?, updated_at = ? WHERE id = 1')
      .run('ann.new@x.org', '555-0199', world.tick());
    const run = await world.run(pii);
    expect(run.status).toBe('completed_with_errors');
    const [error] = await world.store.listErrors({ flow: SYNC });
    expect(error?.message).toContain('refused');
    expect(error?.message).not.toContain('ann.new@x.org');
    expect(error?.message).not.toContain('555-0199');
    const [staged] = await world.store.sync.stagedByIds(SYNC, 'a', ['1']);
    expect(staged?.error).toContain('refused');
    expect(staged?.error).not.toContain('555-0199');
  });

  it('tries a refused pair once a run, even when its other side’s change comes in a later batch', async () => {
    let refuse = false;
    let tries = 0;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        if (!refuse || call.table !== 'customers' || call.operation !== 'update') return write();
        tries++;
        const error = new FlowError('RECORD_INVALID', 'tel refused', { kind: 'record', field: 'tel' });
        return { rejected: call.records.map((_, index) => ({ index, error })) };
      }),
    });
    const strict = (s: 'a' | 'b') => ({ ...syncDefinition()[s], overlap: 0 });
    const def = { a: strict('a'), b: strict('b'), batchSize: 1 };
    const t = '2025-12-31T00:00:00.000Z';
    for (const [mail, name] of [
      ['ann@x.org', 'Ann'],
      ['bob@x.org', 'Bob'],
    ] as const) {
      addContact(world, mail, name, '1', t);
    }
    await world.run(def);
    await world.run(def);
    refuse = true;
    // batch 1: a:1 (refused on b); batch 2: b:1, whose pair is a:1 again
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('555-0100', world.tick());
    world.erp.prepare('UPDATE customers SET full_name = ?, changed = ? WHERE cid = 1').run('Ann B', world.tick());
    const run = await world.run(def);
    expect(tries).toBe(1);
    expect(run.counts.sync?.b.failed).toBe(1);
    const [staged] = await world.store.sync.stagedByIds(SYNC, 'a', ['1']);
    expect(staged).toMatchObject({ attempts: 1, parked: false });
    refuse = false;
    expect((await world.run(def)).status).toBe('succeeded');
    expect(world.customers()[0]).toMatchObject({ tel: '555-0100', full_name: 'Ann B' });
    expect(world.contacts()[0]).toMatchObject({ phone: '555-0100', name: 'Ann B' });
  });

  it('an approved delete consumes the pair’s staged changes: a change of the other record does not come back as a create', async () => {
    world = await syncWorld();
    const strict = (s: 'a' | 'b') => ({ ...syncDefinition()[s], overlap: 0 });
    const def = { a: strict('a'), b: strict('b'), deletes: { policy: 'review' as const } };
    seedPair(world);
    await world.run(def);
    await world.run(def);
    world.crm.prepare('UPDATE contacts SET deleted = 1, updated_at = ? WHERE id = 1').run(world.tick());
    expect((await world.run(def)).counts.sync?.pendingDeletes).toBe(1);
    const [pending] = await world.store.sync.listLinks({ sync: SYNC, status: 'pending-delete' });
    // erp edits its record while the delete waits for review; then a person approves the delete
    world.erp.prepare('UPDATE customers SET tel = ?, changed = ? WHERE cid = 1').run('999', world.tick());
    await world.store.sync.updateLink({ id: pending?.id ?? 0, status: 'delete-approved' }, world.clock.now());
    const approved = await world.run(def);
    expect(approved.counts.sync?.b.deleted).toBe(1);
    expect(approved.counts.sync?.a.created).toBe(0);
    expect(world.contacts()).toHaveLength(1);
    expect(world.customers()[0]).toMatchObject({ removed: 1 });
    expect(await world.store.sync.countLinks({ sync: SYNC })).toBe(0);
  });

  it('warns when it creates again an intent on a side whose cursor the sync does not stamp (the first create may be unseen)', async () => {
    const warnings: string[] = [];
    const log: Logger = {
      debug: () => undefined,
      info: () => undefined,
      error: () => undefined,
      warn: (_fields, message) => void warnings.push(message ?? ''),
      child: () => log,
    };
    let crash = true;
    world = await syncWorld({
      log,
      connectors: recordingConnector([], async (call, write) => {
        const result = await write();
        if (crash && call.operation === 'insert' && call.table === 'customers') {
          crash = false;
          throw new FlowError('INTERNAL', 'simulated crash after the insert', { kind: 'system' });
        }
        return result;
      }),
    });
    // erp's cursor (changed) has no default and the sync does not stamp it: a created row has none
    const b = { ...syncDefinition().b, stampCursor: false };
    const t = '2025-12-31T00:00:00.000Z';
    addContact(world, 'ann@x.org', 'Ann', '1', t);
    addCustomer(world, 'cat@x.org', 'Cat', '3', t);
    expect((await world.run({ b })).status).toBe('failed');
    await world.run({ b });
    const warning = warnings.find((w) => w.includes('creating it again'));
    expect(warning).toContain('side b (erp)');
    expect(warning).toContain('changed');
    expect(warning).toContain('stampCursor');
    expect(warning).not.toContain('ann@x.org');
  });

  it('a record whose value the mapping cannot translate is a record error, kept staged and parked; the others sync', async () => {
    world = await syncWorld();
    const fields = syncDefinition().fields.map((f) =>
      f.name === 'phone' ? { ...f, direction: 'a-to-b' as const, toB: { values: { '1': 'one', '2': 'two' } } } : f,
    );
    const t = '2025-12-31T00:00:00.000Z';
    for (const [mail, phone] of [
      ['ann@x.org', '1'],
      ['bob@x.org', '9'],
      ['cat@x.org', '2'],
    ] as const) {
      addContact(world, mail, 'N', phone, t);
    }
    const run = await world.run({ fields });
    expect(run.status).toBe('completed_with_errors');
    expect(world.customers().map((c) => [c.mail, c.tel])).toEqual([
      ['ann@x.org', 'one'],
      ['cat@x.org', 'two'],
    ]);
    const [error] = await world.store.listErrors({ flow: SYNC });
    expect(error).toMatchObject({ code: 'RECORD_BAD_VALUE', recordId: 'a:2', field: 'phone' });
    expect(run.counts.sync?.b.failed).toBe(1);
    for (let i = 0; i < 2; i++) await world.run({ fields });
    const [parked] = await world.store.sync.stagedByIds(SYNC, 'a', ['2']);
    expect(parked).toMatchObject({ attempts: 3, parked: true });
  });

  it('a pending delete read again does not consume the other side’s change made meanwhile (kept until the delete is decided)', async () => {
    world = await syncWorld();
    const strict = (s: 'a' | 'b') => ({ ...syncDefinition()[s], overlap: 0 });
    const def = { a: strict('a'), b: strict('b'), deletes: { policy: 'review' as const } };
    seedPair(world);
    await world.run(def);
    await world.run(def);
    world.crm.prepare('UPDATE contacts SET deleted = 1, updated_at = ? WHERE id = 1').run(world.tick());
    expect((await world.run(def)).counts.sync?.pendingDeletes).toBe(1);
    // erp edits the pair; crm's deleted record is read again (touched, still deleted)
    world.erp.prepare('UPDATE customers SET tel = ?, changed = ? WHERE cid = 1').run('999', world.tick());
    world.crm.prepare('UPDATE contacts SET updated_at = ? WHERE id = 1').run(world.tick());
    await world.run(def);
    expect(await world.store.sync.stagedByIds(SYNC, 'b', ['1'])).toHaveLength(1);
    // a person ignores the delete: the pair is linked again, and erp's change goes over
    const [pending] = await world.store.sync.listLinks({ sync: SYNC, status: 'pending-delete' });
    await world.store.sync.updateLink({ id: pending?.id ?? 0, status: 'linked', deletedOn: null }, world.clock.now());
    await world.run(def);
    expect(world.contacts()[0]).toMatchObject({ phone: '999' });
  });
});
