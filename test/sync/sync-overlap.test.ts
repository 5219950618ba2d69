import { afterEach, describe, expect, it } from 'vitest';
import { FlowError } from '../../src/sdk/index.js';
import {
  addContact,
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

describe('sync side watermark', () => {
  it('stages a change committed after a read with the same cursor value as the watermark (default overlap)', async () => {
    world = await syncWorld();
    seedPair(world);
    await world.run();
    const at = world.tick();
    addContact(world, 'dan@x.org', 'Dan', '4', at);
    expect((await world.run()).counts.sync?.b.created).toBe(1);
    // a transaction that stamped its rows with the same (second-precision, or transaction-start) time commits later
    addContact(world, 'eve@x.org', 'Eve', '5', at);
    const late = await world.run();
    expect(late.counts.sync?.b.created).toBe(1);
    expect(world.customers().map((c) => c.mail)).toContain('eve@x.org');
    // what the overlap reads again is an echo: nothing is written
    const calm = await world.run();
    expect(calm.counts.written).toBe(0);
  });

  it('an explicit overlap of 0 keeps the strict watermark (the late change is not read)', async () => {
    world = await syncWorld();
    seedPair(world);
    const strict = (s: 'a' | 'b') => ({ ...syncDefinition()[s], overlap: 0 });
    const def = { a: strict('a'), b: strict('b') };
    await world.run(def);
    const at = world.tick();
    addContact(world, 'dan@x.org', 'Dan', '4', at);
    await world.run(def);
    addContact(world, 'eve@x.org', 'Eve', '5', at);
    expect((await world.run(def)).counts.sync?.b.created ?? 0).toBe(0);
  });

  it('a refused change read again by the overlap keeps its attempts (parked after maxAttempts); a new edit starts over', async () => {
    let refuse = true;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        if (!refuse || call.table !== 'customers' || call.operation !== 'update') return write();
        const error = new FlowError('RECORD_INVALID', 'tel refused', { kind: 'record', field: 'tel' });
        return { rejected: call.records.map((_, index) => ({ index, error })) };
      }),
    });
    seedPair(world);
    await world.run();
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('555-0100', world.tick());
    for (let i = 0; i < 3; i++) await world.run();
    const [parked] = await world.store.sync.stagedByIds(SYNC, 'a', ['1']);
    expect(parked).toMatchObject({ attempts: 3, parked: true });
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('555-0101', world.tick());
    refuse = false;
    expect((await world.run()).status).toBe('succeeded');
    expect(world.customers()[0]).toMatchObject({ tel: '555-0101' });
  });
});
