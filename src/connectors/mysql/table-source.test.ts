import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  describeSqlDeltaOnce,
  describeSqlTableReads,
  pageIds,
  pageRecords,
  sourceReads,
} from '../../../test/conformance/sql-source-reads.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { DataRecord } from '../../sdk/index.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { tableSource } from './table-source.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-mysql-src-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));

describe.skipIf(!up)('mysql.table source (MariaDB)', () => {
  let db: TestDatabase;
  let connection: MysqlConnection;
  /** The connection, recording every statement it runs through `query`. */
  let counted: MysqlConnection;
  let statements: string[] = [];
  beforeAll(async () => {
    db = await createTestDatabase('src');
    connection = await db.open();
    counted = {
      ...connection,
      query: (sql, where) => {
        statements.push(sql);
        return connection.query(sql, where);
      },
    };
    await db.sql(`
      create table items (id int primary key, name varchar(20), status varchar(10), updated_at datetime(6),
        amount decimal(20,4), big bigint, doc json, data blob, flag bit(1), born date, emoji varchar(20));
      insert into items values
        (1, 'a', 'open', '2026-01-01 10:00:00.123456', 12.5, 1, '{"x":[1,{"y":null}]}', x'00ff', b'1', '2000-02-29', '😀 ü'),
        (2, 'b', 'closed', '2026-01-02 10:00:00', -0.0001, 9007199254740993, null, null, b'0', null, null),
        (5, 'c', 'open', '2026-01-03 10:00:00', null, -9223372036854775808, '[]', null, null, null, null),
        (7, 'd', 'open', '2026-01-04 10:00:00', null, null, null, null, null, null, null),
        (9, 'e', 'open', '2026-01-05 10:00:00', null, null, null, null, null, null, null);
      create table \`t\`\`x; --\` (\`co de\` varchar(10) primary key, \`v a\`\`l\` int);
      insert into \`t\`\`x; --\` values ('k2', 2), ('k1', 1);
      create table nopk (a int, b int);
      create table bigkeys (id bigint unsigned primary key, v int);
      insert into bigkeys values (9007199254740993, 1), (9007199254740994, 2), (18446744073709551615, 3);
    `);
  });
  afterAll(async () => {
    await closeMysqlConnection(connection);
    await db.drop();
  });

  const { readAll, readWith, mark } = sourceReads(tableSource, () => counted, ctx);
  const ids = pageIds;
  const records = pageRecords;

  it('pages by the primary key with the last key as checkpoint, values as JSON', async () => {
    const pages = await readAll({ table: 'items', pageSize: 2 });
    expect(ids(pages)).toEqual(['1', '2', '5', '7', '9']);
    expect(pages.map((p) => p.checkpoint)).toEqual([2, 7, 9]);
    expect(pages[0]?.records[0]?.data).toEqual({
      id: 1,
      name: 'a',
      status: 'open',
      updated_at: '2026-01-01T10:00:00.123456Z',
      amount: '12.5000',
      big: 1,
      doc: { x: [1, { y: null }] },
      data: 'AP8=',
      flag: 1,
      born: '2000-02-29',
      emoji: '😀 ü',
    });
    expect(pages[0]?.records[1]?.data).toMatchObject({ amount: '-0.0001', big: '9007199254740993', flag: 0 });
    expect(pages[1]?.records[0]?.data).toMatchObject({ big: '-9223372036854775808', doc: [] });
    expect(pages[0]?.records[0]?.meta.position).toBe('items:1');
  });

  it('resumes exactly after big integer keys beyond 2^53', async () => {
    const pages = await readAll({ table: 'bigkeys', pageSize: 1 });
    expect(pages.map((p) => p.checkpoint)).toEqual(['9007199254740993', '9007199254740994', '18446744073709551615']);
    expect(ids(await readAll({ table: 'bigkeys', pageSize: 1 }, '9007199254740993'))).toEqual([
      '9007199254740994',
      '18446744073709551615',
    ]);
  });

  describeSqlTableReads({
    source: tableSource,
    ctx,
    connection: () => connection,
    quote: (name) => `\`${name}\``,
    unknownColumn: /Unknown column 'nah'/,
    hostile: {
      table: 't`x; --',
      key: 'co de',
      pages: [
        ['k1', { 'co de': 'k1', 'v a`l': 1 }, 'k1'],
        ['k2', { 'co de': 'k2', 'v a`l': 2 }, 'k2'],
      ],
    },
  });

  describeSqlDeltaOnce({
    source: tableSource,
    ctx,
    connection: () => counted,
    exec: (sql) => db.sql(sql),
    seed: () =>
      db.sql(`
        create table events (id bigint primary key, name varchar(10), changed datetime(6), other datetime,
          exported boolean, sent bit(1) not null default b'0');
        insert into events values
          (1, 'a', '2026-03-01 10:00:00', '2030-01-01', null, 0),
          (2, 'b', '2026-03-01 12:00:00.25', '2030-01-01', 0, 0),
          (3, 'c', '2026-03-02 07:30:00', '2020-01-01', 1, 1),
          (4, 'd', '2026-03-03 00:00:00', '2020-01-01', 0, 0),
          (5, 'e', null, null, 0, 0);
        create table \`o\`\`ut; --\` (\`k e\`\`y\` varchar(10) primary key, \`don\`\`e\` tinyint(1) not null default 0);
        insert into \`o\`\`ut; --\` values ('x''1', 0), ('y\\\\2', 0), ('z;3', 1);
      `),
    quote: (name) => `\`${name}\``,
    changedText: '2026-03-02T07:30:00.000000Z',
    addFlagColumn: 'ADD COLUMN `shipped` BOOLEAN NOT NULL DEFAULT 0',
    hostile: {
      table: 'o`ut; --',
      flag: 'don`e',
      unmarked: ["x'1", 'y\\2'],
      marked: async () =>
        ((await db.sql('select `k e``y` as k from `o``ut; --` where `don``e` = 1 order by 1')) as { k: string }[]).map(
          (r) => r.k,
        ),
    },
    createGone: async () => {
      await db.sql('create table gone (id int primary key, done boolean)');
      await db.sql('insert into gone values (1, 0)');
    },
  });

  describe('export mode once: statements (MariaDB; `sent` is a BIT(1) flag in the shared suite)', () => {
    it('markExported sets the flag by key in one UPDATE … IN (…) per 1000 keys, none for no records', async () => {
      await db.sql(
        'create table marks (id bigint primary key, exported boolean); insert into marks values (1, null), (2, 0), (3, 1)',
      );
      const config = { table: 'marks' };
      const first = await readWith(config, { once: { field: 'exported' } });
      expect(ids(first)).toEqual(['1', '2']);
      statements = [];
      await mark(config, 'exported', records(first));
      expect(statements.filter((q) => q.startsWith('UPDATE'))).toEqual([
        'UPDATE `marks` SET `exported` = 1 WHERE `id` IN (1, 2)',
      ]);
      statements = [];
      await mark(config, 'exported', []);
      expect(statements).toEqual([]);
      // 2500 keys: three statements
      const many = Array.from({ length: 2500 }, (_, i) => ({
        ...(first[0]?.records[0] as DataRecord),
        meta: { id: String(i + 1000) },
      }));
      await mark(config, 'exported', many as DataRecord[]);
      expect(statements.filter((q) => q.startsWith('UPDATE'))).toHaveLength(3);
    });
  });

  it('fails with CONFIG_INVALID without a usable key', async () => {
    await expect(readAll({ table: 'nopk' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'key' });
  });
});
