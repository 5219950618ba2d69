import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSqlTableDestination } from '../../../test/conformance/sql-table-destination.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type JsonObject, type Page } from '../../sdk/index.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-mysql-dest-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));

const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `line:${i + 2}` }));

let shared: TestDatabase;
describeSqlTableDestination<MysqlConnection>('mysql.table destination (MariaDB): what the SQL tables share', {
  up,
  async setup() {
    shared = await createTestDatabase('dest');
  },
  teardown: () => shared.drop(),
  connect: () => shared.open({ pool: { max: 3 } }),
  close: closeMysqlConnection,
  sql: async (statement) => (await shared.sql(statement)) as JsonObject[],
  of: tableDestination,
  variants: [{ label: 'mysql', config: {} }],
  missingTable: '`nope` does not exist',
  unknownColumn: { message: expect.stringContaining("Unknown column 'missing_col'") },
});

describe.skipIf(!up)('mysql.table destination (MariaDB)', () => {
  let db: TestDatabase;
  let connection: MysqlConnection;
  let n = 0;
  beforeAll(async () => {
    db = await createTestDatabase('dest');
    connection = await db.open({ pool: { max: 3 } });
  });
  afterAll(async () => {
    await closeMysqlConnection(connection);
    await db.drop();
  });

  const writer = (config: Record<string, unknown>) =>
    tableDestination.open({ config: tableDestination.config.parse(config), connection }, ctx);
  const rowsOf = (table: string, columns = 'id, name') =>
    connection.query<unknown[]>(`select ${columns} from \`${table}\` order by id`);
  async function freshTable(ddl = 'id int primary key, name varchar(20)', rows = "(1, 'one'), (2, 'two')") {
    const table = `t${++n}`;
    await db.sql(`create table ${table} (${ddl})`);
    if (rows) await db.sql(`insert into ${table} values ${rows}`);
    return table;
  }

  // insert, upsert, ignore and update as such: the conformance suite (conformance.test.ts); here what is MariaDB's own
  it.each([
    ['upsert', [{ id: 1 }, { id: 9 }], { written: 1, skipped: 1 }, ['one', 'two', null]],
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
    const w = await writer({ table, operation, key: 'id' });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], ...counts });
    expect((await rowsOf(table, 'name')).map((r) => (r as { name: string }).name)).toEqual(names);
    await w.close(ctx);
  });

  it('ignore still rejects bad values instead of swallowing them like INSERT IGNORE', async () => {
    const table = await freshTable('id int primary key, name varchar(3) not null');
    const w = await writer({ table, operation: 'ignore', key: 'id' });
    const result = await w.write(
      recs([
        { id: 2, name: 'toolong' },
        { id: 3, name: null },
        { id: 4, name: 'ok' },
      ]),
      ctx,
    );
    expect(result.rejected.map((r) => [r.index, r.error.code, r.error.field])).toEqual([
      [0, 'RECORD_CONSTRAINT', 'name'],
      [1, 'RECORD_CONSTRAINT', 'name'],
    ]);
    expect(result.written).toBe(1);
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
    rows[500] = { id: 501, email: 'u501@x', qty: 'lots', born: '2000-01-01' };
    rows[999] = { id: 1000, email: 'u1000@x', qty: 1, born: '2000-02-30' };
    for (const [operation, bad, field, message] of [
      ['insert', { email: 'taken@x' }, 'email', "record line:102: Duplicate entry 'taken@x' for key 'email'"],
      // an upsert takes a duplicate of any unique key as "update that row" (MySQL semantics), so break NOT NULL
      ['upsert', { qty: null }, 'qty', "record line:102: Column 'qty' cannot be null"],
    ] as const) {
      rows[100] = Object.assign({ id: 101, email: 'u101@x', qty: 1, born: '2000-01-01' }, bad);
      await db.sql(`delete from ${table} where id > 0`);
      const w = await writer({ table, operation, key: 'id' });
      const result = await w.write(recs(rows), ctx);
      expect(result.written).toBe(997);
      expect(result.rejected.map((r) => [r.index, r.error.code, r.error.kind, r.error.field])).toEqual([
        [100, 'RECORD_CONSTRAINT', 'record', field],
        [500, 'RECORD_CONSTRAINT', 'record', 'qty'],
        [999, 'RECORD_CONSTRAINT', 'record', 'born'],
      ]);
      expect(result.rejected[0]?.error.message).toBe(message);
      expect(result.rejected[1]?.error.message).toContain("Incorrect integer value: 'lots'");
      expect(await connection.query(`select count(*) as c from ${table}`)).toEqual([{ c: 998 }]);
    }
  });

  it('quotes hostile table and column names and binds hostile values', async () => {
    const table = "or`ders'; DROP TABLE x; --";
    const hostile = "v`1'); DROP TABLE x; -- \\' \" \\\\ ? :a \u0000 😀";
    const rows = [{ 'we`ird col': hostile, 'sel ect': 1, 'ü?': true, '"': { a: [1, hostile] } }];
    const w = await writer({ table, operation: 'upsert', key: ['sel ect'], createTable: true });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], written: 1, skipped: 0 });
    expect(await w.write(recs(rows), ctx)).toEqual({ rejected: [], written: 0, skipped: 1 });
    const read: Page[] = [];
    for await (const p of tableSource.read({ config: tableSource.config.parse({ table }), connection }, ctx))
      read.push(p);
    expect(read[0]?.records[0]?.data).toEqual({
      'we`ird col': hostile,
      'sel ect': 1,
      'ü?': 1,
      '"': { a: [1, hostile] },
    });
  });

  it('round-trips dates, decimals, big integers, JSON, unicode and binary through write and read', async () => {
    const table = await freshTable(
      'id bigint unsigned primary key, at datetime(6), ts timestamp(3) null, d date, amount decimal(30,10), doc json, txt varchar(30), bin varbinary(10), f double',
      '',
    );
    const data = {
      id: '18446744073709551615',
      at: '2026-03-04T05:06:07.123456Z',
      ts: '2026-03-04T05:06:07.999Z',
      d: '2024-02-29',
      amount: '12345678901234567890.0123456789',
      doc: { nested: [1, 'two', { three: null }], ok: true },
      txt: '😀 Grüße 漢字',
      bin: 'AP8Q',
      f: 0.1,
    };
    const w = await writer({ table, operation: 'upsert', key: 'id' });
    expect(await w.write(recs([data, { ...data, id: 1, at: '2026-03-04T07:06:07+02:00' }]), ctx)).toMatchObject({
      written: 2,
    });
    const read: Page[] = [];
    for await (const p of tableSource.read({ config: tableSource.config.parse({ table }), connection }, ctx))
      read.push(p);
    expect(read[0]?.records.map((r) => r.data)).toEqual([{ ...data, id: 1, at: '2026-03-04T05:06:07.000000Z' }, data]);
  });

  it('creates the table from the first batch with types from the values and the key as primary key', async () => {
    const w = await writer({ table: 'made', operation: 'upsert', key: ['k'], createTable: true });
    await w.write(
      recs([
        { k: 'a', i: 1, r: 1.5, b: true, j: [1], n: null },
        { k: 'A', r: 2.5 },
      ]),
      ctx,
    );
    const cols = await connection.query<{ c: string; t: string; k: string }[]>(
      "select column_name as c, column_type as t, column_key as k from information_schema.columns where table_schema = database() and table_name = 'made' order by ordinal_position",
    );
    expect(cols.map((c) => [c.c, c.t, c.k])).toEqual([
      ['k', 'varchar(255)', 'PRI'],
      ['i', 'bigint(20)', ''],
      ['r', 'double', ''],
      ['b', 'tinyint(1)', ''],
      ['j', 'longtext', ''],
      ['n', 'text', ''],
    ]);
    expect(await connection.query('select count(*) as c from made')).toEqual([{ c: 2 }]);
  });
});
