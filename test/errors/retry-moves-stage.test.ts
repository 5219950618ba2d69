import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { retryHarness } from './retry-harness.js';

/**
 * Issue 12, item 4: a retry keeps the steps' state (a dedupe window's keys) like a page commit, so a
 * retried record that passes the steps and then fails at the destination must not go through the
 * steps again on its next retry (the window would drop it as a repeat, never delivered): it waits at
 * the stage where it failed now, as a run's records do.
 */
const h = retryHarness();

const flow = `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: erp.db }
flows:
  orders:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, total: number } }
    steps:
      - validate: { total: { required: true, type: number, min: 0 } }
      - dedupe: { key: id, window: 7d }
    destinations:
      - { name: erp, connection: erp, type: sqlite.table, table: orders, operation: upsert, key: [id] }
`;

describe('a retry that passes the steps and fails at the destination', () => {
  it('leaves the record waiting at the destination, so the next retry delivers it there', async () => {
    const { engine, project } = await h.setup(flow, { 'in.csv': 'id,total\n1,10\n2,-5\n' });
    const db = new Database(join(h.dir(), 'erp.db'));
    db.exec('create table orders (id integer primary key, total real not null check (total < 100))');
    await engine.run(project, 'orders', { trigger: 'cli' });
    const [err] = await h.openErrors('orders');
    if (!err) throw new Error('expected order 2 in the error store');
    expect(err.stage).toEqual({ kind: 'step', name: 'validate', index: 0 });

    // valid for the steps (its key kept by the dedupe window), too large for the erp
    const first = await engine.retryError(project, err.id, { payload: { id: 2, total: 500 } });
    expect(first.ok).toBe(false);
    expect([first.record.stage, first.record.payload]).toEqual([
      { kind: 'destination', name: 'erp' },
      { id: 2, total: 500 },
    ]);

    const fixed = await engine.retryError(project, err.id, { payload: { id: 2, total: 50 } });
    expect([fixed.ok, fixed.message]).toEqual([true, 'delivered']);
    expect(db.prepare('select id, total from orders order by id').all()).toEqual([
      { id: 1, total: 10 },
      { id: 2, total: 50 },
    ]);
    db.close();
  });
});
