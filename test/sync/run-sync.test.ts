import { afterEach, describe, expect, it } from 'vitest';
import { recordingConnector, SYNC, type SyncWorld, syncWorld, type WriteCall } from './sync-fixture.js';

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const writes = (calls: WriteCall[]) => calls.reduce((n, c) => n + c.records.length, 0);

/** Seeds: two contacts and two customers, one pair matching by email (case and spaces differ). */
function seed(w: SyncWorld) {
  const t = '2025-12-31T00:00:00.000Z';
  w.crm
    .prepare('INSERT INTO contacts (email, name, phone, updated_at) VALUES (?, ?, ?, ?)')
    .run('ann@x.org', 'Ann', '1', t);
  w.crm
    .prepare('INSERT INTO contacts (email, name, phone, updated_at) VALUES (?, ?, ?, ?)')
    .run('bob@x.org', 'Bob', '2', t);
  w.erp
    .prepare('INSERT INTO customers (mail, full_name, tel, changed) VALUES (?, ?, ?, ?)')
    .run(' ANN@x.org', 'Ann', '1', t);
  w.erp
    .prepare('INSERT INTO customers (mail, full_name, tel, changed) VALUES (?, ?, ?, ?)')
    .run('cat@x.org', 'Cat', '3', t);
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
    expect(world.customers().map((c) => c.mail)).toEqual([' ANN@x.org', 'cat@x.org', 'bob@x.org']);
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
    const third = await world.run();
    expect(third.counts.read).toBe(0);
    expect(writes(calls)).toBe(0);
  });
});
