import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceReads } from '../../../test/conformance/sql-source-reads.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-mysql-query-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));

describe.skipIf(!up)('mysql.query source (MariaDB)', () => {
  let db: TestDatabase;
  let connection: MysqlConnection;
  beforeAll(async () => {
    db = await createTestDatabase('query');
    connection = await db.open({ pool: { max: 2 } });
    await db.sql(`
      create table n (v int primary key, label varchar(10), changed datetime);
      insert into n select seq, concat('n', seq), '2026-01-01' + interval seq day from seq_1_to_10;
    `);
  });
  afterAll(async () => {
    await closeMysqlConnection(connection);
    await db.drop();
  });

  const { readAll } = sourceReads(querySource, () => connection, ctx);
  const query = "select v, label from n where v > :min and label <> 'x:y?' order by v";

  it('binds the delta watermark as :since', async () => {
    const q = 'select v from n where (:since is null or changed > :since) order by v';
    const all = await readAll({ query: q });
    expect(all[0]?.records).toHaveLength(10);
    const pages = await readAll({ query: q }, undefined, '2026-01-08T12:00:00Z');
    expect(pages[0]?.records.map((r) => r.data.v)).toEqual([8, 9, 10]);
    const offset = await readAll({ query: q }, undefined, '2026-01-09T01:00:00+02:00');
    expect(offset[0]?.records.map((r) => r.data.v)).toEqual([8, 9, 10]);
  });

  it('stops early without leaking the streaming connection, and a destination writes meanwhile', async () => {
    await db.sql('create table copy (v int primary key, label varchar(10))');
    const writer = await tableDestination.open(
      { config: tableDestination.config.parse({ table: 'copy', operation: 'insert' }), connection },
      ctx,
    );
    for await (const page of querySource.read(
      { config: querySource.config.parse({ query: 'select v, label from n order by v', pageSize: 4 }), connection },
      ctx,
    )) {
      await writer.write(page.records, ctx);
      break;
    }
    for (let i = 0; i < 3; i++) {
      for await (const page of querySource.read(
        {
          config: querySource.config.parse({ query: 'select v, label from n where v > 4 order by v', pageSize: 4 }),
          connection,
        },
        ctx,
      )) {
        expect(page.records.length).toBeGreaterThan(0);
        break;
      }
    }
    expect(await connection.query<{ c: number }[]>('select count(*) as c from copy')).toEqual([{ c: 4 }]);
  });

  it.each([
    ['a syntax error', { query: 'selec v from n' }, 'SQL_ERROR', /SQL syntax/],
    ['a missing table', { query: 'select * from nope' }, 'SQL_ERROR', /nope/],
    ['a statement that returns no rows', { query: 'do 1' }, 'SQL_ERROR', /needs a SELECT/],
    ['a missing parameter', { query }, 'SQL_ERROR', /:min/],
  ])('fails with SQL_ERROR for %s', async (_name, config, code, message) => {
    await expect(readAll(config)).rejects.toMatchObject({ code, message: expect.stringMatching(message) });
  });
});
