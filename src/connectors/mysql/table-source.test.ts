import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { DataRecord, Json, Page, ReadArgs } from '../../sdk/index.js';
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

  async function readAll(config: Record<string, unknown>, from?: Json, since?: Json): Promise<Page[]> {
    const parsed = tableSource.config.parse(config);
    const pages: Page[] = [];
    for await (const page of tableSource.read(
      {
        config: parsed,
        connection,
        ...(from === undefined ? {} : { from }),
        ...(since === undefined ? {} : { since }),
      },
      ctx,
    )) {
      pages.push(page);
    }
    return pages;
  }
  const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));

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

  it('filters with where and named params, and reads only the given columns', async () => {
    const pages = await readAll({ table: 'items', columns: ['name'], where: 'status = :s', params: { s: 'open' } });
    expect(pages[0]?.records.map((r) => [r.meta.id, r.data])).toEqual([
      ['1', { name: 'a' }],
      ['5', { name: 'c' }],
      ['7', { name: 'd' }],
      ['9', { name: 'e' }],
    ]);
  });

  /** Reads every page with the flow-level arguments (delta since/cursorField, once). */
  async function readWith(config: Record<string, unknown>, args: Partial<ReadArgs<unknown, unknown>>): Promise<Page[]> {
    const pages: Page[] = [];
    for await (const page of tableSource.read(
      { ...args, config: tableSource.config.parse(config), connection: counted },
      ctx,
    )) {
      pages.push(page);
    }
    return pages;
  }
  const mark = (config: Record<string, unknown>, field: string, records: readonly DataRecord[]) =>
    (tableSource.markExported as NonNullable<typeof tableSource.markExported>)(
      { config: tableSource.config.parse(config), connection: counted, field },
      records,
      ctx,
    );
  const records = (pages: Page[]) => pages.flatMap((p) => p.records);

  describe('delta sync and export mode once', () => {
    beforeAll(async () => {
      await db.sql(`
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
      `);
    });

    it("delta: filters by the flow's delta.field (cursorField argument) > an ISO since, over the source's own cursorField", async () => {
      const pages = await readWith(
        { table: 'events', cursorField: 'other', pageSize: 2 },
        { cursorField: 'changed', since: '2026-03-01T12:00:00.250Z' },
      );
      expect(ids(pages)).toEqual(['3', '4']);
      expect(pages[0]?.records[0]?.data.changed).toBe('2026-03-02T07:30:00.000000Z');
      // a since with an offset is the same instant in UTC
      expect(
        ids(await readWith({ table: 'events' }, { cursorField: 'changed', since: '2026-03-02T09:30:00+02:00' })),
      ).toEqual(['4']);
      expect(ids(await readWith({ table: 'events' }, { cursorField: 'changed' }))).toEqual(['1', '2', '3', '4', '5']);
    });

    it('delta: a delta.field that is not a column, or left out of columns, is a clear error', async () => {
      await expect(
        readWith({ table: 'events' }, { cursorField: 'nah', since: '2026-01-01T00:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'SQL_ERROR',
        field: 'nah',
        message: expect.stringMatching(/delta\.field column "nah" is not a column of table `events`/),
      });
      await expect(
        readWith({ table: 'events', columns: ['id'] }, { cursorField: 'changed', since: '2026-01-01T00:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        field: 'columns',
        message: expect.stringContaining('"changed"'),
      });
    });

    it('once: reads rows whose flag is NULL or 0; markExported sets it by key, in chunks of 1000; the rest comes next time', async () => {
      const config = { table: 'events', pageSize: 2 };
      const first = await readWith(config, { once: { field: 'exported' } });
      expect(ids(first)).toEqual(['1', '2', '4', '5']);
      statements = [];
      await mark(config, 'exported', records(first).slice(0, 2));
      expect(statements.filter((q) => q.startsWith('UPDATE'))).toEqual([
        'UPDATE `events` SET `exported` = 1 WHERE `id` IN (1, 2)',
      ]);
      expect(await db.sql('select id from events where exported order by id')).toEqual([
        { id: 1 },
        { id: 2 },
        { id: 3 },
      ]);
      expect(ids(await readWith(config, { once: { field: 'exported' } }))).toEqual(['4', '5']);
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

    it('once: a BIT(1) flag column works too', async () => {
      const config = { table: 'events' };
      const pages = await readWith(config, { once: { field: 'sent' } });
      expect(ids(pages)).toEqual(['1', '2', '4', '5']);
      await mark(
        config,
        'sent',
        records(pages).filter((r) => r.meta.id !== '5'),
      );
      expect(ids(await readWith(config, { once: { field: 'sent' } }))).toEqual(['5']);
    });

    it('once: a missing flag column fails naming the table and the column, when reading and when marking', async () => {
      const expected = {
        code: 'SQL_ERROR',
        field: 'shipped',
        message: 'once.field "shipped" is not a column of table `events`',
        hint: expect.stringContaining('ADD COLUMN `shipped` BOOLEAN NOT NULL DEFAULT 0'),
      };
      await expect(readWith({ table: 'events' }, { once: { field: 'shipped' } })).rejects.toMatchObject(expected);
      await expect(
        mark({ table: 'events' }, 'shipped', records(await readAll({ table: 'events' }))),
      ).rejects.toMatchObject(expected);
    });

    it('once: hostile table, key and flag names stay quoted; text keys with quotes and backslashes are marked exactly', async () => {
      const config = { table: 'o`ut; --' };
      const pages = await readWith(config, { once: { field: 'don`e' } });
      expect(ids(pages)).toEqual(["x'1", 'y\\2']);
      await mark(config, 'don`e', records(pages));
      expect(await db.sql('select `k e``y` as k from `o``ut; --` where `don``e` = 1 order by 1')).toEqual([
        { k: "x'1" },
        { k: 'y\\2' },
        { k: 'z;3' },
      ]);
      expect(ids(await readWith(config, { once: { field: 'don`e' } }))).toEqual([]);
    });

    it('marking rows of a table dropped after the read fails with SQL_ERROR naming the table', async () => {
      await db.sql('create table gone (id int primary key, done boolean)');
      await db.sql('insert into gone values (1, 0)');
      const pages = await readWith({ table: 'gone' }, { once: { field: 'done' } });
      await db.sql('drop table gone');
      await expect(mark({ table: 'gone' }, 'done', records(pages))).rejects.toMatchObject({
        code: 'SQL_ERROR',
        message: expect.stringContaining('`gone` does not exist'),
      });
    });
  });

  it('reads tables and keys with hostile names', async () => {
    const pages = await readAll({ table: 't`x; --', key: 'co de', pageSize: 1 });
    expect(pages.map((p) => [p.records[0]?.meta.id, p.records[0]?.data, p.checkpoint])).toEqual([
      ['k1', { 'co de': 'k1', 'v a`l': 1 }, 'k1'],
      ['k2', { 'co de': 'k2', 'v a`l': 2 }, 'k2'],
    ]);
  });

  it('fails with SQL_ERROR naming a missing table or column, CONFIG_INVALID without a usable key', async () => {
    await expect(readAll({ table: 'nope' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining('`nope` does not exist'),
    });
    await expect(readAll({ table: 'items', columns: ['nah'] })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      field: 'nah',
    });
    await expect(readAll({ table: 'items', where: 'nah = 1' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining("Unknown column 'nah'"),
    });
    await expect(readAll({ table: 'nopk' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'key' });
  });
});
