import { afterEach, describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type JsonObject } from '../../sdk/index.js';
import { openSqliteConnection, type SqliteConnection } from './connection.js';
import { tableDestination } from './table-destination.js';

const { ctx } = tempContext('syncline-sqlite-dest-');
const open: SqliteConnection[] = [];
afterEach(() => {
  for (const c of open.splice(0)) c.db.close();
});

let n = 0;
function connect(pragmas: Record<string, number> = {}): SqliteConnection {
  const c = openSqliteConnection({ path: `t${++n}.db`, readonly: false, pragmas }, ctx);
  open.push(c);
  return c;
}
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `line:${i + 2}` }));

async function writer(connection: SqliteConnection, config: Record<string, unknown>) {
  return tableDestination.open({ config: tableDestination.config.parse(config), connection }, ctx);
}

describe('sqlite.table destination', () => {
  // insert, upsert, ignore and update, rejections, DB_BUSY: the conformance suite (conformance.test.ts)
  it('writes the key columns with `columns` too: an insert by key returns them as ids, an upsert finds rows by them', async () => {
    const c = connect();
    c.db.exec("create table t (id integer primary key, name text, note text); insert into t values (1, 'one', 'n1')");
    const insert = await writer(c, { table: 't', operation: 'insert', key: 'id', columns: ['name'] });
    const result = await insert.write(recs([{ id: 5, name: 'five', note: 'dropped' }, { name: 'new' }]), ctx);
    expect(result.ids).toEqual(['5', '6']);
    const upsert = await writer(c, { table: 't', operation: 'upsert', key: 'id', columns: ['name'] });
    await upsert.write(recs([{ id: 1, name: 'uno', note: 'dropped' }]), ctx);
    expect(c.db.prepare('select * from t order by id').all()).toEqual([
      { id: 1, name: 'uno', note: 'n1' },
      { id: 5, name: 'five', note: null },
      { id: 6, name: 'new', note: null },
    ]);
  });

  it('a record that violates a constraint is rejected alone; the good ones commit', async () => {
    const c = connect();
    c.db.exec('create table t (id integer primary key, email text unique, qty integer not null check (qty >= 0))');
    const w = await writer(c, { table: 't', operation: 'upsert', key: ['id'] });
    await w.write(recs([{ id: 1, email: 'a@x', qty: 1 }]), ctx);
    const result = await w.write(
      recs([
        { id: 2, email: 'b@x', qty: 1 },
        { id: 3, email: 'a@x', qty: 1 },
        { id: 4, email: 'd@x', qty: null },
        { id: 5, email: 'e@x', qty: -1 },
        { id: 6, email: 'f@x', qty: 2 },
      ]),
      ctx,
    );
    expect(result.written).toBe(2);
    expect(result.rejected.map((r) => [r.index, r.error.code, r.error.kind, r.error.field])).toEqual([
      [1, 'RECORD_CONSTRAINT', 'record', 'email'],
      [2, 'RECORD_CONSTRAINT', 'record', 'qty'],
      [3, 'RECORD_CONSTRAINT', 'record', undefined],
    ]);
    expect(result.rejected[0]?.error.message).toBe('record line:3: UNIQUE constraint failed: t.email');
    expect(result.rejected[2]?.error.message).toMatch(/CHECK constraint failed: qty >= 0/);
    expect(c.db.prepare('select id from t order by id').pluck().all()).toEqual([1, 2, 6]);
  });

  it('binds many records per statement with the same counts and rows as one at a time', async () => {
    const c = connect();
    c.db.exec('create table t (id integer primary key, name text, qty integer check (qty >= 0))');
    const existing = c.db.prepare('insert into t (id, name, qty) values (?, ?, 0)');
    for (let id = 1; id <= 60; id++) existing.run(id, `n${id}`);
    const rows: JsonObject[] = [];
    for (let id = 1; id <= 130; id++) rows.push({ id, name: id <= 30 ? `n${id}` : `N${id}` });
    rows[75] = { name: 'no key' };
    rows[100] = { id: 101, qty: 5 };
    const w = await writer(c, { table: 't', operation: 'upsert', key: ['id'] });
    const result = await w.write(recs(rows), ctx);
    expect(result.rejected.map((r) => [r.index, r.error.code])).toEqual([[75, 'RECORD_NO_KEY']]);
    expect(result).toMatchObject({ written: 99, skipped: 30 });
    const stored = (id: number) => c.db.prepare('select id, name, qty from t where id = ?').raw(true).get(id);
    expect(c.db.prepare('select count(*) from t').pluck().get()).toBe(129);
    expect([stored(1), stored(31), stored(76), stored(101), stored(130)]).toEqual([
      [1, 'n1', 0],
      [31, 'N31', 0],
      undefined,
      [101, null, 5],
      [130, 'N130', null],
    ]);

    const more = Array.from({ length: 120 }, (_, i) => ({ id: 200 + i, name: 'x', qty: i === 70 ? -1 : 1 }));
    const second = await w.write(recs(more), ctx);
    expect(second.rejected.map((r) => [r.index, r.error.code])).toEqual([[70, 'RECORD_CONSTRAINT']]);
    expect(second).toMatchObject({ written: 119, skipped: 0 });
    expect(c.db.prepare('select count(*) from t where id >= 200').pluck().get()).toBe(119);
  });

  it('quotes hostile table and column names and binds hostile values', async () => {
    const c = connect();
    const table = 'or"ders; DROP TABLE x; --';
    const rows = [{ 'we"ird col': 'v"1\'); DROP TABLE x; --', 'sel ect': 1, ü: true, '"': { a: [1] } }];
    const w = await writer(c, { table, operation: 'upsert', key: ['sel ect'], createTable: true });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], written: 1, skipped: 0 });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], written: 0, skipped: 1 });
    expect(c.db.prepare(`select * from "or""ders; DROP TABLE x; --"`).all()).toEqual([
      { 'we"ird col': 'v"1\'); DROP TABLE x; --', 'sel ect': 1, ü: 1, '"': '{"a":[1]}' },
    ]);
  });

  it('creates the table from the first batch with types from the values and the key as primary key', async () => {
    const c = connect();
    const w = await writer(c, { table: 'made', operation: 'upsert', key: ['k'], createTable: true });
    await w.write(
      recs([
        { k: 'a', i: 1, r: 1, b: true, j: [1], n: null },
        { k: 'b', r: 2.5, extra: 'x' },
      ]),
      ctx,
    );
    const info = c.db.prepare('select name, type, pk from pragma_table_info(?)').raw(true).all('made');
    expect(info).toEqual([
      ['k', 'TEXT', 1],
      ['i', 'INTEGER', 0],
      ['r', 'REAL', 0],
      ['b', 'INTEGER', 0],
      ['j', 'TEXT', 0],
      ['n', '', 0],
      ['extra', 'TEXT', 0],
    ]);
  });

  it('writes only each record’s own columns (an upsert leaves absent columns alone), restricted by `columns`', async () => {
    const c = connect();
    c.db.exec(
      "create table t (id integer primary key, a text, b text default 'dflt'); insert into t values (1, 'a1', 'b1')",
    );
    const w = await writer(c, { table: 't', operation: 'upsert', key: ['id'], columns: ['id', 'a', 'b'] });
    await w.write(
      recs([
        { id: 1, a: 'A1', ignored: 'x' },
        { id: 2, a: 'a2' },
        { id: 3, b: 'b3' },
      ]),
      ctx,
    );
    expect(c.db.prepare('select id, a, b from t order by id').raw(true).all()).toEqual([
      [1, 'A1', 'b1'],
      [2, 'a2', 'dflt'],
      [3, null, 'b3'],
    ]);
  });

  it('fails the whole batch with SQL_ERROR for a missing table or column', async () => {
    const c = connect();
    await expect(writer(c, { table: 'nope', operation: 'insert' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      kind: 'config',
      message: expect.stringContaining('"nope" does not exist'),
    });
    c.db.exec('create table t (id integer primary key)');
    const w = await writer(c, { table: 't', operation: 'insert' });
    await expect(w.write(recs([{ id: 1 }, { id: 2, missing_col: 1 }]), ctx)).rejects.toMatchObject({
      code: 'SQL_ERROR',
      kind: 'config',
      message: expect.stringContaining('missing_col'),
    });
    expect(c.db.prepare('select count(*) from t').pluck().get()).toBe(0);
    c.db.exec('drop table t');
    await expect(w.write(recs([{ id: 1 }]), ctx)).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining('no such table: t'),
    });
  });

  it('needs a key for update, upsert and ignore', () => {
    expect(() => tableDestination.config.parse({ table: 't', operation: 'upsert' })).toThrow(/need key/);
    expect(tableDestination.config.parse({ table: 't', operation: 'upsert', key: 'id' })).toMatchObject({
      key: ['id'],
    });
  });

  describe('page markers (exactly-once insert)', () => {
    it('skips a batch whose marker was committed, counting it as already written, and refuses its bad records again', async () => {
      const c = connect();
      c.db.exec('create table t (id integer primary key, name text not null)');
      const w = await writer(c, { table: 't', operation: 'insert' });
      const batch = { key: 'out|run 1 page 3#1|0+3' };
      const rows = recs([{ id: 1, name: 'a' }, { id: 2 }, { id: 3, name: 'c' }]);
      const first = await w.write(rows, ctx, batch);
      expect(first).toMatchObject({ written: 2, rejected: [{ index: 1, error: { code: 'RECORD_CONSTRAINT' } }] });
      // the page read again after a crash: the same key and records
      const again = await w.write(rows, ctx, batch);
      expect(again).toMatchObject({
        written: 0,
        alreadyWritten: 2,
        rejected: [{ index: 1, error: { code: 'RECORD_CONSTRAINT', field: 'name', kind: 'record' } }],
      });
      expect(again.rejected[0]?.error.message).toMatch(/before a crash/);
      expect(c.db.prepare('select count(*) from t').pluck().get()).toBe(2);
      expect(c.db.prepare('select page, records from syncline_page_markers').all()).toEqual([
        { page: batch.key, records: 3 },
      ]);
    });

    it('writes the same key again when the record ids differ, and writes without a key as before', async () => {
      const c = connect();
      c.db.exec('create table t (id integer, name text)');
      const w = await writer(c, { table: 't', operation: 'insert', pageMarkers: { table: 'my_markers' } });
      const batch = { key: 'out|run 1#1|0+1' };
      await w.write(recs([{ id: 1 }]), ctx, batch);
      expect(await w.write([createRecord({ id: 2 }, { id: 'line:9' })], ctx, batch)).toMatchObject({ written: 1 });
      expect(await w.write(recs([{ id: 1 }]), ctx)).toMatchObject({ written: 1 });
      expect(c.db.prepare('select count(*) from t').pluck().get()).toBe(3);
      expect(c.db.prepare('select count(*) from my_markers').pluck().get()).toBe(2);
    });

    it('keeps no markers with pageMarkers: false, nor for upserts', async () => {
      const c = connect();
      c.db.exec('create table t (id integer primary key, name text)');
      const batch = { key: 'out|run 1#1|0+1' };
      const off = await writer(c, { table: 't', operation: 'insert', pageMarkers: false });
      await off.write(recs([{ id: 1 }]), ctx, batch);
      const up = await writer(c, { table: 't', operation: 'upsert', key: 'id' });
      await up.write(recs([{ id: 1, name: 'x' }]), ctx, batch);
      expect(
        c.db.prepare("select count(*) from sqlite_master where name = 'syncline_page_markers'").pluck().get(),
      ).toBe(0);
    });

    it('deletes markers older than keep when it opens the marker table', async () => {
      const c = connect();
      c.db.exec('create table t (id integer)');
      const old = { ...ctx, clock: { ...ctx.clock, now: () => new Date('2026-01-01T00:00:00Z') } };
      const w1 = await writer(c, { table: 't', operation: 'insert', pageMarkers: { keep: '1d' } });
      await w1.write(recs([{ id: 1 }]), old, { key: 'a' });
      const w2 = await writer(c, { table: 't', operation: 'insert', pageMarkers: { keep: '1d' } });
      await w2.write(recs([{ id: 2 }]), ctx, { key: 'b' });
      expect(c.db.prepare('select page from syncline_page_markers').pluck().all()).toEqual(['b']);
    });
  });
});
