import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSqlTableDestination } from '../../../test/conformance/sql-table-destination.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type JsonObject, type Page } from '../../sdk/index.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-pg-dest-');
const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));

const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `line:${i + 2}` }));

let shared: TestSchema;
describeSqlTableDestination<PostgresConnection>('postgres.table destination: what the SQL tables share', {
  up,
  async setup() {
    shared = await createTestSchema('dest');
  },
  teardown: () => shared.drop(),
  connect: () => shared.open({ pool: { max: 3 } }),
  close: closePostgresConnection,
  sql: async (statement) => (await shared.sql(statement)).rows,
  of: tableDestination,
  variants: [
    { label: 'mode copy', config: { mode: 'copy' } },
    { label: 'mode insert', config: { mode: 'insert' } },
  ],
  missingTable: '"nope" does not exist',
  unknownColumn: { field: 'missing_col' },
});

describe.skipIf(!up)('postgres.table destination', () => {
  let db: TestSchema;
  let connection: PostgresConnection;
  let n = 0;
  beforeAll(async () => {
    db = await createTestSchema('dest');
    connection = await db.open({ pool: { max: 3 } });
  });
  afterAll(async () => {
    await closePostgresConnection(connection);
    await db.drop();
  });

  const writer = (config: Record<string, unknown>) =>
    tableDestination.open({ config: tableDestination.config.parse(config), connection }, ctx);
  const rowsOf = async (table: string, columns = 'id, name') =>
    (await db.sql(`select ${columns} from ${table} order by id`)).rows;
  async function freshTable(ddl = 'id int primary key, name varchar(20)', rows = "(1, 'one'), (2, 'two')") {
    const table = `t${++n}`;
    await db.sql(`create table ${table} (${ddl})`);
    if (rows) await db.sql(`insert into ${table} values ${rows}`);
    return table;
  }

  describe.each(['copy', 'insert'])('mode %s', (mode) => {
    // insert, upsert, ignore and update as such: the conformance suite (conformance.test.ts); here what is PostgreSQL's own
    it.each([
      ['upsert', [{ id: 1 }, { id: 9 }], { written: 1, skipped: 1 }, ['one', 'two', null]],
      [
        'upsert',
        [
          { id: 7, name: 'a' },
          { id: 7, name: 'b' },
        ],
        { written: 2, skipped: 0 },
        ['one', 'two', 'b'],
      ],
      [
        'update',
        [
          { id: 2, name: 'TWO' },
          { id: 1, name: 'one' },
        ],
        { written: 1, skipped: 1 },
        ['one', 'TWO'],
      ],
    ])('%s %j', async (operation, rows, counts, names) => {
      const table = await freshTable();
      const w = await writer({ table, operation, key: 'id', mode });
      expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], ...counts });
      expect((await rowsOf(table, 'name')).map((r) => r.name)).toEqual(names);
      await w.close(ctx);
    });

    it('1000 rows with 3 bad ones: 997 are written in the batch’s transaction, 3 rejected with the column', async () => {
      const table = await freshTable(
        'id int primary key, email varchar(40) unique, qty int not null, born date',
        "(0, 'taken@x', 1, null)",
      );
      const rows: JsonObject[] = Array.from({ length: 1000 }, (_, i) => ({
        id: i + 1,
        email: `u${i + 1}@x`,
        qty: i,
        born: '2000-01-01',
      }));
      rows[100] = { id: 101, email: 'taken@x', qty: 1, born: '2000-01-01' };
      rows[500] = { id: 501, email: 'u501@x', qty: 'lots', born: '2000-01-01' };
      rows[999] = { id: 1000, email: 'u1000@x', qty: 1, born: '2000-02-30' };
      for (const operation of ['insert', 'upsert']) {
        await db.sql(`delete from ${table} where id > 0`);
        const w = await writer({ table, operation, key: 'id', mode });
        const result = await w.write(recs(rows), ctx);
        expect(result.written).toBe(997);
        expect(result.rejected.map((r) => [r.index, r.error.code, r.error.kind, r.error.field])).toEqual([
          [100, 'RECORD_CONSTRAINT', 'record', 'email'],
          [500, 'RECORD_CONSTRAINT', 'record', mode === 'copy' ? 'qty' : undefined],
          [999, 'RECORD_CONSTRAINT', 'record', mode === 'copy' ? 'born' : undefined],
        ]);
        expect(result.rejected[0]?.error.message).toMatch(
          /^record line:102: duplicate key value violates unique constraint ".*email_key" \(Key \(email\)=\(taken@x\) already exists\.\)$/,
        );
        expect(result.rejected[1]?.error.message).toContain('invalid input syntax for type integer: "lots"');
        expect(result.rejected[2]?.error.message).toContain('date/time field value out of range: "2000-02-30"');
        expect((await db.sql(`select count(*)::int as c from ${table}`)).rows).toEqual([{ c: 998 }]);
      }
    });
  });

  it('a NOT NULL violation names the column', async () => {
    const table = await freshTable('id int primary key, name varchar(20) not null');
    const ins = await writer({ table, operation: 'insert' });
    const bad = await ins.write(recs([{ id: 5, name: null }]), ctx);
    expect(bad.rejected.map((r) => [r.error.code, r.error.field])).toEqual([['RECORD_CONSTRAINT', 'name']]);
    expect(bad.rejected[0]?.error.message).toContain('null value in column "name"');
  });

  it('quotes hostile table and column names and round-trips hostile values', async () => {
    const table = 'or"ders\'; DROP TABLE x; -- ü';
    const hostile = 'v"1\'); DROP TABLE x; -- \\\' " \\\\ \t tab \n line \r cr \\N \\. ? $1 :a 😀 漢字';
    const rows = [{ 'we"ird col': hostile, 'sel;ect': 1, 'ü?': true, '"': { a: [1, hostile, null] }, nul: null }];
    const w = await writer({ table, operation: 'upsert', key: ['sel;ect'], createTable: true });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], written: 1, skipped: 0 });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], written: 0, skipped: 1 });
    const read: Page[] = [];
    for await (const p of tableSource.read({ config: tableSource.config.parse({ table }), connection }, ctx))
      read.push(p);
    expect(read[0]?.records[0]?.data).toEqual(rows[0]);
  });

  it('round-trips nasty values through COPY into typed columns (text, jsonb, json, arrays, numeric, timestamps, bytea)', async () => {
    const table = await freshTable(
      'id bigint primary key, t text, j jsonb, js json, tags text[], nums int[], amount numeric(30,10), at timestamptz, ts timestamp, d date, b boolean, f double precision',
      '',
    );
    const nasty = [
      '',
      ' ',
      '\\',
      '\\\\N',
      '\\N',
      'a\tb',
      'a\nb',
      'a\r\nb',
      'é😀\u200b',
      '"quoted"',
      "'",
      ',',
      '{}',
      'NULL',
    ];
    const data = nasty.map((t, i) => ({
      id: i === 0 ? '9007199254740993' : i,
      t,
      j: { t, nested: [t, { n: null }] },
      js: [t],
      tags: [t, null, 'x'],
      nums: [1, 2],
      amount: '12345678901234567890.0123456789',
      at: '2026-03-04T05:06:07.123456Z',
      ts: '2026-03-04T05:06:07.5',
      d: '2024-02-29',
      b: i % 2 === 0,
      f: 0.1,
    }));
    const w = await writer({ table, operation: 'upsert', key: 'id' });
    expect(await w.write(recs(data), ctx)).toEqual({ rejected: [], written: nasty.length, skipped: 0 });
    expect(await w.write(recs(data), ctx)).toEqual({ rejected: [], written: 0, skipped: nasty.length });
    const read: Page[] = [];
    for await (const p of tableSource.read({ config: tableSource.config.parse({ table }), connection }, ctx))
      read.push(p);
    const byId = new Map(read.flatMap((p) => p.records.map((r) => [String(r.data.id), r.data])));
    for (const row of data) expect(byId.get(String(row.id))).toEqual(row);
  });

  it('creates the table from the first batch with types from the values and the key as primary key', async () => {
    const w = await writer({ table: 'made', schema: db.name, operation: 'upsert', key: ['k'], createTable: true });
    await w.write(
      recs([
        { k: 'a', i: 1, r: 1.5, b: true, j: [1], n: null, m: 1 },
        { k: 'A', r: 2, m: 'x' },
      ]),
      ctx,
    );
    const cols = await db.sql(
      `select a.attname as c, format_type(a.atttypid, a.atttypmod) as t, a.attnotnull as nn from pg_attribute a
       where a.attrelid = '${db.name}.made'::regclass and a.attnum > 0 order by a.attnum`,
    );
    expect(cols.rows.map((c) => [c.c, c.t, c.nn])).toEqual([
      ['k', 'text', true],
      ['i', 'bigint', false],
      ['r', 'double precision', false],
      ['b', 'boolean', false],
      ['j', 'jsonb', false],
      ['n', 'text', false],
      ['m', 'text', false],
    ]);
    expect((await db.sql('select count(*)::int as c from made')).rows).toEqual([{ c: 2 }]);
  });

  it('an upsert into a table without a unique key on the key fails the batch with SQL_ERROR', async () => {
    const noUnique = await freshTable('id int, name text', '');
    const u = await writer({ table: noUnique, operation: 'upsert', key: 'id' });
    await expect(u.write(recs([{ id: 1, name: 'a' }]), ctx)).rejects.toMatchObject({ code: 'SQL_ERROR' });
  });

  describe.each(['copy', 'insert'])('a NUL character (PostgreSQL text cannot hold it), mode %s', (mode) => {
    it.each(['insert', 'upsert'])(
      'fails that record only (%s): the rest of the batch is written',
      async (operation) => {
        const table = await freshTable('id int primary key, name text, doc jsonb', '');
        const w = await writer({ table, operation, key: 'id', mode });
        const result = await w.write(
          recs([
            { id: 1, name: 'a' },
            { id: 2, name: 'b\u0000c' },
            { id: 3, doc: { x: 'y\u0000' } },
            { id: 4, name: 'd' },
          ]),
          ctx,
        );
        expect(result.rejected.map((r) => [r.index, r.error.code, r.error.kind, r.error.field])).toEqual([
          [1, 'RECORD_BAD_VALUE', 'record', 'name'],
          [2, 'RECORD_CONSTRAINT', 'record', mode === 'copy' ? 'doc' : undefined],
        ]);
        expect(result.rejected[0]?.error.message).toBe(
          'record line:3: field name holds a NUL character (U+0000), which PostgreSQL text cannot store',
        );
        expect(result.written).toBe(2);
        expect((await rowsOf(table)).map((r) => r['id'])).toEqual([1, 4]);
      },
    );
  });

  describe.each(['copy', 'insert'])('page markers (exactly-once insert), mode %s', (mode) => {
    it('creates the marker table once when the first batches are written in parallel', async () => {
      const table = await freshTable('id int', '');
      const w = await writer({ table, operation: 'insert', mode, pageMarkers: { table: `p_${table}` } });
      const results = await Promise.all(
        [1, 2, 3, 4].map((n) => w.write([createRecord({ id: n }, { id: `line:${n}` })], ctx, { key: `b${n}` })),
      );
      expect(results.map((r) => r.written)).toEqual([1, 1, 1, 1]);
      expect((await db.sql(`select count(*)::int as n from p_${table}`)).rows).toEqual([{ n: 4 }]);
    });
  });
});
