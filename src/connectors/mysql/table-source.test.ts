import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page } from '../../sdk/index.js';
import {
  closeMysqlConnection,
  type MysqlConnection,
  mysqlConnectionConfig,
  openMysqlConnection,
} from './connection.js';
import { tableSource } from './table-source.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-mysql-src-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));

describe.skipIf(!up)('mysql.table source (MariaDB)', () => {
  let db: TestDatabase;
  let connection: MysqlConnection;
  beforeAll(async () => {
    db = await createTestDatabase('src');
    connection = await openMysqlConnection(mysqlConnectionConfig.parse({ url: db.url }));
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

  it('resumes after the checkpointed key without reading what came before', async () => {
    expect(ids(await readAll({ table: 'items', pageSize: 2 }, 5))).toEqual(['7', '9']);
    expect(ids(await readAll({ table: 'items', pageSize: 2 }, 9))).toEqual([]);
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

  it('reads only rows changed after the watermark with cursorField and since', async () => {
    const pages = await readAll(
      { table: 'items', cursorField: 'updated_at', columns: ['id'] },
      undefined,
      '2026-01-03T10:00:00Z',
    );
    expect(ids(pages)).toEqual(['7', '9']);
    expect(ids(await readAll({ table: 'items', cursorField: 'updated_at' }))).toHaveLength(5);
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
