import { afterAll, describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page } from '../../sdk/index.js';
import { openSqliteConnection } from './connection.js';
import { tableSource } from './table-source.js';

const { ctx } = tempContext('syncline-sqlite-src-');
const connection = openSqliteConnection({ path: 'src.db', readonly: false, pragmas: {} }, ctx);
afterAll(() => connection.db.close());
connection.db.exec(`
  create table items (id integer primary key, name text, status text, data blob, big integer);
  insert into items values (1, 'a', 'open', x'00ff', 1), (2, 'b', 'closed', null, 9007199254740993),
    (5, 'c', 'open', null, 3), (7, 'd', 'open', null, 4), (9, 'e', 'open', null, 5);
  create table "t""x; --" ("code" text primary key, "v a""l" integer);
  insert into "t""x; --" values ('k2', 2), ('k1', 1), (null, 0);
`);

async function readAll(config: Record<string, unknown>, from?: Json): Promise<Page[]> {
  const parsed = tableSource.config.parse(config);
  const pages: Page[] = [];
  for await (const page of tableSource.read(
    { config: parsed, connection, ...(from === undefined ? {} : { from }) },
    ctx,
  )) {
    pages.push(page);
  }
  return pages;
}
const ids = (pages: Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));

describe('sqlite.table source', () => {
  it('pages by key (rowid by default) with the last key as checkpoint', async () => {
    const pages = await readAll({ table: 'items', pageSize: 2 });
    expect(ids(pages)).toEqual(['1', '2', '5', '7', '9']);
    expect(pages.map((p) => p.checkpoint)).toEqual([2, 7, 9]);
    expect(pages[0]?.records[0]?.data).toEqual({ id: 1, name: 'a', status: 'open', data: 'AP8=', big: 1 });
    expect(pages[0]?.records[0]?.meta.position).toBe('items:1');
  });

  it('filters with where and named params, and reads only the given columns', async () => {
    const pages = await readAll({
      table: 'items',
      columns: ['name'],
      where: 'status = :s',
      params: { s: 'open' },
      key: 'id',
    });
    expect(pages[0]?.records.map((r) => [r.meta.id, r.data])).toEqual([
      ['1', { name: 'a' }],
      ['5', { name: 'c' }],
      ['7', { name: 'd' }],
      ['9', { name: 'e' }],
    ]);
  });

  it('keeps big integers exact as text with safeIntegers', async () => {
    const [page] = await readAll({ table: 'items', columns: ['big'], safeIntegers: true, where: 'id <= 2' });
    expect(page?.records.map((r) => r.data.big)).toEqual([1, '9007199254740993']);
  });

  it('reads tables and keys with hostile names; rows with a null key are left out', async () => {
    const pages = await readAll({ table: 't"x; --', key: 'code', pageSize: 1 });
    expect(pages.map((p) => [p.records[0]?.meta.id, p.records[0]?.data, p.checkpoint])).toEqual([
      ['k1', { code: 'k1', 'v a"l': 1 }, 'k1'],
      ['k2', { code: 'k2', 'v a"l': 2 }, 'k2'],
    ]);
  });

  it('fails with SQL_ERROR naming a missing table or column', async () => {
    await expect(readAll({ table: 'nope' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      kind: 'config',
      message: expect.stringContaining('no such table: nope'),
    });
    await expect(readAll({ table: 'items', columns: ['nah'] })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining('nah'),
    });
  });
});
