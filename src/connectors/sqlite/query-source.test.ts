import { afterAll, describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type Json, type Page } from '../../sdk/index.js';
import { openSqliteConnection } from './connection.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';

const { ctx } = tempContext('syncline-sqlite-query-');
const connection = openSqliteConnection({ path: 'q.db', readonly: false, pragmas: {} }, ctx);
afterAll(() => connection.db.close());
connection.db.exec(`
  create table n (v integer primary key, label text);
  with recursive s(x) as (select 1 union all select x + 1 from s where x < 10) insert into n select x, 'n' || x from s;
`);

async function readAll(config: Record<string, unknown>, from?: Json): Promise<Page[]> {
  const parsed = querySource.config.parse(config);
  const pages: Page[] = [];
  for await (const page of querySource.read(
    { config: parsed, connection, ...(from === undefined ? {} : { from }) },
    ctx,
  )) {
    pages.push(page);
  }
  return pages;
}

describe('sqlite.query source', () => {
  const query = 'select v, label from n where v > :min order by v';

  it('lets a destination write through the same connection while the query is open', async () => {
    connection.db.exec('create table copy (v integer primary key, label text)');
    const writer = await tableDestination.open(
      { config: tableDestination.config.parse({ table: 'copy', operation: 'insert' }), connection },
      ctx,
    );
    for await (const page of querySource.read(
      { config: querySource.config.parse({ query: 'select * from n order by v', pageSize: 4 }), connection },
      ctx,
    )) {
      await writer.write(
        page.records.map((r) => createRecord(r.data, r.meta)),
        ctx,
      );
    }
    expect(connection.db.prepare('select count(*) from copy').pluck().get()).toBe(10);
  });

  it.each([
    ['a syntax error', { query: 'selec v from n' }, /syntax error/],
    ['a statement that returns no rows', { query: 'delete from n' }, /needs a SELECT/],
    ['a missing parameter', { query }, /min/],
  ])('fails with SQL_ERROR for %s', async (_name, config, message) => {
    await expect(readAll(config)).rejects.toMatchObject({
      code: 'SQL_ERROR',
      kind: 'config',
      message: expect.stringMatching(message),
    });
  });
});
