import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { retryHarness } from './retry-harness.js';

/**
 * Issue 11, the class of item 1: a retry keeps what a page commit keeps. In export mode `once`, a
 * delivered record is marked at its source; a retried one must be too, or every later run reads the
 * row again and stores it as a new error record although it was delivered.
 */
const h = retryHarness();

const flow = `connections:
  crm: { type: sqlite, path: crm.db }
  files: { type: file, dir: . }
flows:
  leads:
    source: { connection: crm, type: sqlite.table, table: leads, key: id, once: { field: exported } }
    steps:
      - map: { id: { from: id }, email: { from: email, onMissing: error } }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl, mode: append }
`;

describe('retrying a record of a flow in export mode once', () => {
  it('marks the retried record exported, so the next run does not read it again', async () => {
    const { engine, project, store } = await h.setup(flow, {});
    const db = new Database(join(h.dir(), 'crm.db'));
    db.exec(`create table leads (id integer primary key, email text, exported integer not null default 0);
      insert into leads (id, email) values (1, 'a@example.com'), (2, null), (3, 'c@example.com');`);
    const first = await engine.run(project, 'leads', { trigger: 'cli' });
    expect([first.status, first.counts.read, first.counts.written]).toEqual(['completed_with_errors', 3, 2]);
    const [err] = await h.openErrors('leads');
    if (!err) throw new Error('expected lead 2 in the error store');
    expect((await engine.retryError(project, err.id, { payload: { id: 2, email: 'b@example.com' } })).ok).toBe(true);
    expect(db.prepare('select id from leads where exported = 1 order by id').pluck().all()).toEqual([1, 2, 3]);
    const next = await engine.run(project, 'leads', { trigger: 'cli' });
    expect([next.status, next.counts.read]).toEqual(['succeeded', 0]);
    expect(await store.countErrors({ flow: 'leads', status: 'open' })).toBe(0);
    expect(h.lines('out.jsonl')).toHaveLength(3);
    db.close();
  });
});
