import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { retryHarness } from './retry-harness.js';

/**
 * Issue 11, the class of item 1: a retry of a record that failed at a step, in a flow with several
 * destinations (hub-and-spoke), that one destination takes and another refuses, waits at the
 * refusing one only — as a run's records do — so retrying it again never writes it twice elsewhere.
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
    destinations:
      - { name: archive, connection: files, type: file.jsonl, path: archive.jsonl, mode: append }
      - { name: erp, connection: erp, type: sqlite.table, table: orders, operation: upsert, key: [id] }
`;

describe('retrying a step failure that one destination takes and another refuses', () => {
  it('moves the record to the refusing destination: later retries write it there only', async () => {
    const { engine, project, store } = await h.setup(flow, { 'in.csv': 'id,total\n1,10\n2,-5\n' });
    const db = new Database(join(h.dir(), 'erp.db'));
    db.exec('create table orders (id integer primary key, total real not null check (total < 100))');
    await engine.run(project, 'orders', { trigger: 'cli' });
    const [err] = await h.openErrors('orders');
    if (!err) throw new Error('expected order 2 in the error store');
    expect(err.stage).toEqual({ kind: 'step', name: 'validate', index: 0 });

    // valid for the step, too large for the erp: the archive takes it, the erp refuses it
    const first = await engine.retryError(project, err.id, { payload: { id: 2, total: 500 } });
    expect(first.ok).toBe(false);
    expect([first.record.stage, first.record.payload]).toEqual([
      { kind: 'destination', name: 'erp' },
      { id: 2, total: 500 },
    ]);
    expect(await engine.retryError(project, err.id)).toMatchObject({ ok: false });
    const fixed = await engine.retryError(project, err.id, { payload: { id: 2, total: 50 } });
    expect(fixed.ok).toBe(true);
    expect(h.lines('archive.jsonl').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2]);
    expect(db.prepare('select id, total from orders order by id').all()).toEqual([
      { id: 1, total: 10 },
      { id: 2, total: 50 },
    ]);
    expect(await store.countErrors({ flow: 'orders', status: 'open' })).toBe(0);
    db.close();
  });
});
