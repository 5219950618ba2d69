import { afterEach, describe, expect, it } from 'vitest';
import { FlowError } from '../../src/sdk/index.js';
import { addContact, addCustomer, recordingConnector, SYNC, type SyncWorld, syncWorld } from './sync-fixture.js';

let world: SyncWorld;
afterEach(() => world.close());

describe('a change a side keeps refusing', () => {
  it('is one open error record whose attempts grow, not a new record every run (the cursor stamp differs each time)', async () => {
    let refuse = false;
    world = await syncWorld({
      connectors: recordingConnector([], async (call, write) => {
        if (!refuse || call.table !== 'customers' || call.operation !== 'update') return write();
        const error = new FlowError('RECORD_INVALID', 'tel is not a phone number', { kind: 'record', field: 'tel' });
        return { rejected: call.records.map((_, index) => ({ index, error })) };
      }),
    });
    const t = '2025-12-31T00:00:00.000Z';
    addContact(world, 'ann@x.org', 'Ann', '1', t);
    addCustomer(world, 'ann@x.org', 'Ann', '1', t);
    await world.run();
    refuse = true;
    world.crm.prepare('UPDATE contacts SET phone = ?, updated_at = ? WHERE id = 1').run('555-0100', world.tick());
    for (let i = 0; i < 3; i++) expect((await world.run()).status).toBe('completed_with_errors');
    const errors = await world.store.listErrors({ flow: SYNC, status: 'open' });
    expect(errors.map((e) => [e.recordId, e.code, e.attempts])).toEqual([['a:1', 'RECORD_INVALID', 3]]);
    // the stored payload is the write as sent, stamp included
    expect(Object.keys(errors[0]?.payload ?? {}).sort()).toEqual(['changed', 'cid', 'tel']);
    expect(errors[0]?.payload.tel).toBe('555-0100');
  });
});
