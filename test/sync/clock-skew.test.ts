import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { ManualClock } from '../../src/sdk/index.js';
import { builtinSteps } from '../../src/steps/index.js';
import { openStore } from '../../src/store/index.js';
import type { StateStore } from '../../src/store/state-store.js';
import { connection, syncConnectors, syncDefinition, syncProject } from './prove-fixture.js';

/**
 * Issue 14: the two sides' clocks 3 minutes apart (side b's runs fast). Conflict policy `newest` with a
 * skew of 5 minutes: edits of one field on both sides whose change times are within the skew are a
 * conflict for review, whatever the clocks say; edits further apart are decided by the newer change.
 */

const MIN = 60_000;
const SKEW = 5 * MIN;
/** Side b's clock is this far ahead of side a's. */
const B_AHEAD = 3 * MIN;
const T0 = Date.UTC(2026, 2, 1, 9, 0, 0);
const iso = (ms: number) => new Date(ms).toISOString();

describe('clock skew between the sides', () => {
  let dir: string;
  let store: StateStore;
  let crm: Database.Database;
  let erp: Database.Database;
  let engine: Engine;
  const clock = new ManualClock(T0 - 60 * MIN);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-skew-'));
    store = await openStore(join(dir, 'state.db'));
    crm = new Database(join(dir, 'crm.db'));
    erp = new Database(join(dir, 'erp.db'));
    crm.exec(
      'CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT, name TEXT, updated_at TEXT NOT NULL)',
    );
    erp.exec(
      'CREATE TABLE clients (client_no INTEGER PRIMARY KEY AUTOINCREMENT, email_address TEXT, name TEXT, modified TEXT NOT NULL)',
    );
    const seeded = iso(T0 - 120 * MIN);
    for (let i = 1; i <= 6; i++) {
      crm
        .prepare('INSERT INTO customers (email, name, updated_at) VALUES (?, ?, ?)')
        .run(`c${i}@example.com`, `Name ${i}`, seeded);
      erp
        .prepare('INSERT INTO clients (email_address, name, modified) VALUES (?, ?, ?)')
        .run(`c${i}@example.com`, `Name ${i}`, seeded);
    }
    engine = createEngine({ connectors: syncConnectors, steps: builtinSteps, store, clock });
  });

  afterEach(async () => {
    crm.close();
    erp.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const project = () =>
    syncProject(
      [
        connection('crm', 'sqlite', { path: join(dir, 'crm.db') }),
        connection('erp', 'sqlite', { path: join(dir, 'erp.db') }),
      ],
      [
        syncDefinition({
          name: 'skewed',
          a: { connection: 'crm', type: 'sqlite', table: 'customers', key: 'id', cursor: 'updated_at' },
          b: { connection: 'erp', type: 'sqlite', table: 'clients', key: 'client_no', cursor: 'modified' },
          fields: { email: { b: 'email_address' }, name: {} },
          match: ['email'],
          conflicts: { policy: 'newest', skewMs: SKEW },
        }),
      ],
    );

  /** An edit on each side at a moment of real time, stamped by that side's own clock. */
  const editA = (i: number, name: string, realMs: number) =>
    crm
      .prepare('UPDATE customers SET name = ?, updated_at = ? WHERE email = ?')
      .run(name, iso(realMs), `c${i}@example.com`);
  const editB = (i: number, name: string, realMs: number) =>
    erp
      .prepare('UPDATE clients SET name = ?, modified = ? WHERE email_address = ?')
      .run(name, iso(realMs + B_AHEAD), `c${i}@example.com`);
  const names = (i: number) => ({
    a: (crm.prepare('SELECT name FROM customers WHERE email = ?').get(`c${i}@example.com`) as { name: string }).name,
    b: (erp.prepare('SELECT name FROM clients WHERE email_address = ?').get(`c${i}@example.com`) as { name: string })
      .name,
  });

  it('edits within the skew are conflicts, edits further apart go to the newer change', async () => {
    const p = project();
    clock.set(T0 - 30 * MIN);
    const first = await engine.run(p, 'skewed', { trigger: 'test' });
    expect(first.status).toBe('succeeded');
    expect(first.counts.sync?.matched).toBe(6);

    // 1: a edits first (real T0), b one minute later: the stamps are 4 minutes apart, within the skew
    editA(1, 'A one', T0);
    editB(1, 'B one', T0 + MIN);
    // 2: b really edits first (real T0), a two minutes later: b's fast clock makes b look newer by a minute;
    //    within the skew: a conflict, not a wrong decision by the clocks
    editB(2, 'B two', T0);
    editA(2, 'A two', T0 + 2 * MIN);
    // 3: a at real T0, b ten minutes later (stamped 13 minutes apart): b's change wins
    editA(3, 'A three', T0);
    editB(3, 'B three', T0 + 10 * MIN);
    // 4: b at real T0, a ten minutes later (stamped 7 minutes apart): a's change wins
    editB(4, 'B four', T0);
    editA(4, 'A four', T0 + 10 * MIN);
    // 5, 6: the boundary, stamps exactly the skew apart (a conflict) and one millisecond more (newest)
    editA(5, 'A five', T0);
    editB(5, 'B five', T0 + SKEW - B_AHEAD);
    editA(6, 'A six', T0);
    editB(6, 'B six', T0 + SKEW - B_AHEAD + 1);

    clock.set(T0 + 20 * MIN);
    const run = await engine.run(p, 'skewed', { trigger: 'test' });
    expect(run.status, JSON.stringify(run.error)).toBe('succeeded');
    expect(names(1)).toEqual({ a: 'A one', b: 'B one' });
    expect(names(2)).toEqual({ a: 'A two', b: 'B two' });
    expect(names(3)).toEqual({ a: 'B three', b: 'B three' });
    expect(names(4)).toEqual({ a: 'A four', b: 'A four' });
    expect(names(5)).toEqual({ a: 'A five', b: 'B five' });
    expect(names(6)).toEqual({ a: 'B six', b: 'B six' });
    expect(run.counts.sync).toMatchObject({ conflictsDecided: 3, conflictsOpened: 3 });

    const open = await store.sync.listConflicts({ sync: 'skewed', status: 'open' });
    const byValue = Object.fromEntries(open.map((c) => [String(c.aValue), c]));
    expect(Object.keys(byValue).sort()).toEqual(['A five', 'A one', 'A two']);
    expect(byValue['A one']).toMatchObject({ field: 'name', kind: 'field', bValue: 'B one' });
    expect(Date.parse(String(byValue['A two']?.bChangedAt)) - Date.parse(String(byValue['A two']?.aChangedAt))).toBe(
      B_AHEAD - 2 * MIN,
    );

    // the next run changes nothing: the open conflicts wait for a person, the decided pairs are in step
    clock.set(T0 + 40 * MIN);
    const again = await engine.run(p, 'skewed', { trigger: 'test' });
    expect(again.counts.written).toBe(0);
    expect(names(1)).toEqual({ a: 'A one', b: 'B one' });
    expect(await store.sync.countConflicts({ sync: 'skewed', status: 'open' })).toBe(3);
  });
});
