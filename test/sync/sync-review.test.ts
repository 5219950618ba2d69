import { afterEach, describe, expect, it } from 'vitest';
import { FlowError } from '../../src/sdk/index.js';
import { recordingConnector, SYNC, type SyncWorld, syncWorld } from './sync-fixture.js';

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function seedPair(w: SyncWorld) {
  const t = '2025-12-31T00:00:00.000Z';
  w.crm
    .prepare('INSERT INTO contacts (email, name, phone, updated_at) VALUES (?, ?, ?, ?)')
    .run('ann@x.org', 'Ann', '1', t);
  w.erp
    .prepare('INSERT INTO customers (mail, full_name, tel, changed) VALUES (?, ?, ?, ?)')
    .run('ann@x.org', 'Ann', '1', t);
}

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
});
