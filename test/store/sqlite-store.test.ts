import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { describeStoreConformance } from './store-conformance.js';
import { page, startRun } from './store-fixtures.js';
import { describeSyncStoreConformance } from './sync-conformance.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-store-'));
let n = 0;
const freshPath = () => join(dir, `store-${++n}.db`);

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStoreConformance(
  'SQLite (temp file)',
  () => openStore(freshPath()),
  async () => freshPath(),
);

describeSyncStoreConformance('SQLite (temp file)', () => openStore(freshPath()));

describe('SQLite store specifics', () => {
  it('creates the folder, uses WAL, synchronous NORMAL, busy timeout and foreign keys', async () => {
    const path = join(dir, 'nested', 'deeper', 'syncline.db');
    const store = await openStore(path);
    expect(store.dialect).toBe('sqlite');
    await startRun(store, 'x');
    await store.close();
    const db = new Database(path, { readonly: true });
    try {
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
      const tables = db.prepare("select name from sqlite_master where type = 'table' order by name").pluck().all();
      expect(tables).toEqual(
        expect.arrayContaining(['checkpoints', 'error_records', 'kysely_migration', 'run_pages', 'runs', 'watermarks']),
      );
      const indexes = db
        .prepare("select name from sqlite_master where type = 'index' and tbl_name = 'error_records'")
        .pluck()
        .all();
      expect(indexes).toEqual(
        expect.arrayContaining(['error_records_flow_status', 'error_records_run', 'error_records_code']),
      );
    } finally {
      db.close();
    }
  });

  it('keeps its data across reopenings and migrates only once', async () => {
    const path = freshPath();
    const first = await openStore(path);
    const run = await startRun(first, 'orders');
    await first.commitPage(page(run, 1, { offset: 10 }));
    await first.close();
    const second = await openStore(path);
    expect((await second.getCheckpoint('orders'))?.checkpoint).toEqual({ offset: 10 });
    await second.close();
  });

  it('works in memory', async () => {
    const store = await openStore(':memory:');
    const run = await startRun(store, 'm');
    expect((await store.activeRun('m'))?.id).toBe(run.id);
    await store.close();
  });
});
