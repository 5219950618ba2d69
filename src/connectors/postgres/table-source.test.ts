import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Json, Page } from '../../sdk/index.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { querySource } from './query-source.js';
import { tableSource } from './table-source.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-pg-src-');
const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));

describe.skipIf(!up)('postgres sources', () => {
  let db: TestSchema;
  let connection: PostgresConnection;
  let queries: string[] = [];
  let counted: PostgresConnection;
  beforeAll(async () => {
    db = await createTestSchema('src');
    connection = await db.open();
    counted = {
      ...connection,
      query: (text, values, where) => {
        queries.push(text);
        return connection.query(text, values, where);
      },
    };
    await db.sql(`
      create table items (id int primary key, name text, status text, big bigint, updated_at timestamptz);
      insert into items values (1, 'a', 'open', 1, '2026-01-01T00:00:00Z'), (2, 'b', 'closed', 9007199254740993, '2026-01-02T00:00:00Z'),
        (5, 'c', 'open', 3, '2026-01-03T00:00:00Z'), (7, 'd', 'open', 4, '2026-01-04T00:00:00Z'), (9, 'e', 'open', 5, '2026-01-05T00:00:00Z');
      create table "t""x; --" ("code" text, "v a""l" integer);
      insert into "t""x; --" values ('k2', 2), ('k1', 1), (null, 0);
      create table n (v int primary key, label text);
      insert into n select x, 'n' || x from generate_series(1, 10) x;
    `);
  });
  afterAll(async () => {
    await closePostgresConnection(connection);
    await db.drop();
  });

  async function readAll(config: Record<string, unknown>, from?: Json, since?: Json): Promise<Page[]> {
    const pages: Page[] = [];
    for await (const page of tableSource.read(
      {
        config: tableSource.config.parse(config),
        connection: counted,
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

  describe('postgres.table', () => {
    it('pages by the primary key with WHERE key > $n ORDER BY key LIMIT n (never OFFSET); checkpoint = last key', async () => {
      queries = [];
      const pages = await readAll({ table: 'items', pageSize: 2 });
      expect(ids(pages)).toEqual(['1', '2', '5', '7', '9']);
      expect(pages.map((p) => p.checkpoint)).toEqual([2, 7, 9]);
      expect(pages[0]?.records[0]?.data).toEqual({
        id: 1,
        name: 'a',
        status: 'open',
        big: 1,
        updated_at: '2026-01-01T00:00:00Z',
      });
      expect(pages[0]?.records[1]?.data.big).toBe('9007199254740993');
      const reads = queries.filter((q) => q.startsWith('SELECT "id"'));
      expect(reads).toHaveLength(3);
      expect(reads[1]).toMatch(/AND "id" > \$1 ORDER BY "id" LIMIT 2$/);
      expect(reads.join(' ')).not.toMatch(/OFFSET/i);
    });

    it('resumes after the checkpointed key without reading what came before', async () => {
      expect(ids(await readAll({ table: 'items', pageSize: 2 }, 5))).toEqual(['7', '9']);
      expect(ids(await readAll({ table: 'items', pageSize: 2 }, 9))).toEqual([]);
    });

    it('filters with where and named params, reads only the given columns, in an explicit schema', async () => {
      const pages = await readAll({
        table: 'items',
        schema: db.name,
        columns: ['name'],
        where: "status = :s and name <> ':s' and id::text <> :x",
        params: { s: 'open', x: '0' },
      });
      expect(pages[0]?.records.map((r) => [r.meta.id, r.data])).toEqual([
        ['1', { name: 'a' }],
        ['5', { name: 'c' }],
        ['7', { name: 'd' }],
        ['9', { name: 'e' }],
      ]);
    });

    it('delta: with cursorField and since, reads only rows changed after the watermark', async () => {
      expect(
        ids(await readAll({ table: 'items', cursorField: 'updated_at' }, undefined, '2026-01-03T00:00:00Z')),
      ).toEqual(['7', '9']);
      expect(ids(await readAll({ table: 'items', cursorField: 'updated_at' }))).toHaveLength(5);
    });

    it('reads tables and keys with hostile names; needs key without a single-column primary key; rows with a null key are left out', async () => {
      await expect(readAll({ table: 't"x; --' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'key' });
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
        message: expect.stringContaining('"nope" does not exist'),
      });
      await expect(readAll({ table: 'items', columns: ['nah'] })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        field: 'nah',
      });
      await expect(readAll({ table: 'items', where: 'nah = 1' })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        message: expect.stringContaining('column "nah" does not exist'),
      });
    });
  });

  async function readQuery(config: Record<string, unknown>, from?: Json, since?: Json): Promise<Page[]> {
    const pages: Page[] = [];
    for await (const page of querySource.read(
      {
        config: querySource.config.parse(config),
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

  describe('postgres.query', () => {
    const query = 'select v, label from n where v > :min order by v';

    it('streams rows through a cursor in pages with the count of rows read as checkpoint', async () => {
      const pages = await readQuery({ query, params: { min: 3 }, pageSize: 3 });
      expect(pages.map((p) => p.records.length)).toEqual([3, 3, 1]);
      expect(pages.map((p) => p.checkpoint)).toEqual([3, 6, 7]);
      expect(pages[0]?.records[0]).toMatchObject({ data: { v: 4, label: 'n4' }, meta: { id: 'row:1' } });
    });

    it('resumes by re-running the query and skipping the rows already read', async () => {
      const pages = await readQuery({ query, params: { min: 3 }, pageSize: 3 }, 6);
      expect(pages.flatMap((p) => p.records.map((r) => [r.meta.id, r.data.v]))).toEqual([['row:7', 10]]);
    });

    it('a consumer that stops early closes the cursor and gives the client back', async () => {
      for await (const _ of querySource.read(
        { config: querySource.config.parse({ query: 'select * from n order by v', pageSize: 2 }), connection },
        ctx,
      ))
        break;
      expect(connection.pool.idleCount).toBe(connection.pool.totalCount);
      const open = await db.sql(
        "select count(*)::int as c from pg_stat_activity where application_name = 'syncline' and state like 'idle in%'",
      );
      expect(open.rows).toEqual([{ c: 0 }]);
    });

    it('delta: :since in the query, or cursorField to filter by the watermark', async () => {
      const updated = 'select id, updated_at from items order by id';
      expect(
        (
          await readQuery({ query: updated, cursorField: 'updated_at' }, undefined, '2026-01-04T00:00:00Z')
        )[0]?.records.map((r) => r.data.id),
      ).toEqual([9]);
      const own = 'select id from items where :since::timestamptz is null or updated_at > :since order by id';
      expect(
        (await readQuery({ query: own }, undefined, '2026-01-04T00:00:00Z'))[0]?.records.map((r) => r.data.id),
      ).toEqual([9]);
      expect((await readQuery({ query: own }))[0]?.records).toHaveLength(5);
    });

    it.each([
      ['a syntax error', { query: 'selec v from n' }, /syntax error/],
      ['a statement that returns no rows', { query: 'delete from n' }, /syntax error/],
      ['a missing parameter', { query }, /min/],
      ['a missing column', { query: 'select nah from n' }, /column "nah" does not exist/],
    ])('fails with SQL_ERROR for %s', async (_name, config, message) => {
      await expect(readQuery(config)).rejects.toMatchObject({
        code: 'SQL_ERROR',
        kind: 'config',
        message: expect.stringMatching(message),
      });
    });
  });
});
