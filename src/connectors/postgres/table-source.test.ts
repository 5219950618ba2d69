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
import type { Page } from '../../sdk/index.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { rowBuilder } from './pg-values.js';
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
      copyOut: (select, lines, where) => {
        queries.push(`COPY (${select}) TO STDOUT`);
        return connection.copyOut(select, lines, where);
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

  const { readAll, readWith, mark } = sourceReads(tableSource, () => counted, ctx);
  const ids = pageIds;

  describe('postgres.table', () => {
    it('pages by the primary key with COPY (… WHERE key > last ORDER BY key LIMIT n) (never OFFSET); checkpoint = last key', async () => {
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
      const reads = queries.filter((q) => q.startsWith('COPY (SELECT "id"'));
      expect(reads).toHaveLength(3);
      expect(reads[1]).toMatch(/AND "id" > '2' ORDER BY "id" LIMIT 2\) TO STDOUT$/);
      expect(reads.join(' ')).not.toMatch(/OFFSET/i);
    });

    it('filters in an explicit schema, with a named param inside a quoted literal left alone', async () => {
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

    it('needs key without a single-column primary key; rows with a null key are left out', async () => {
      await expect(readAll({ table: 't"x; --' })).rejects.toMatchObject({ code: 'CONFIG_INVALID', field: 'key' });
      expect(ids(await readAll({ table: 't"x; --', key: 'code' }))).toEqual(['k1', 'k2']);
    });

    it('gives through COPY exactly the values a query gives (types, NULLs, escapes), and inlines where params and keys safely', async () => {
      await db.sql(`
        create table typed (k text primary key, i int, b bigint, big bigint, n numeric(12,3), r real, d double precision,
          flag boolean, t text, vc varchar(10), ch char(3), ts timestamp, tz timestamptz, dt date, tm time, iv interval,
          js json, jb jsonb, arr int[], tarr text[], tsarr timestamptz[], ba bytea, u uuid);
        insert into typed values
          ('a\\b''c', 1, 2, 9007199254740993, 12345.678, 1.5, 2.25, true, E'tab\there\nnew\\line\r\b\f\v', 'x', 'ab',
           '2026-01-02 03:04:05.5', '2026-01-02T03:04:05+02:00', '2026-01-02', '03:04:05', '1 day 2 hours',
           '{"a":[1,"\\t"]}', '{"b":{"c":null}}', '{1,NULL,3}', '{"x y","q\\"z",NULL}', '{"2026-01-01T00:00:00Z"}',
           '\\x00ff5c0a', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
          ('b', null, null, null, null, null, null, false, '', null, null, null, null, null, null, null,
           'null', '[]', '{}', '{}', null, '\\x', null),
          ('c\td', 0, -1, 0, -0.5, 'NaN', '-Infinity', null, '\\N', '\\', ' ', null, null, null, null, null,
           null, null, null, null, null, null, null);
      `);
      const pages = await readAll({ table: 'typed', pageSize: 2, where: 'k <> :no', params: { no: "it's\\" } });
      const viaCopy = pages.flatMap((p) => p.records.map((r) => [r.meta.id, r.data]));
      const q = await connection.query('SELECT k, typed.* FROM typed ORDER BY k');
      const build = rowBuilder(
        q.fields.map((f) => f.name),
        1,
      );
      expect(viaCopy).toEqual(q.rows.map((row) => [String(row[0]), build(row)]));
      expect(pages.map((p) => p.checkpoint)).toEqual(['b', 'c\td']);
      // a checkpoint with a quote and a backslash goes into the COPY as a literal, read back exactly
      expect(ids(await readAll({ table: 'typed', pageSize: 1 }, "a\\b'c"))).toEqual(['b', 'c\td']);
      expect(viaCopy[0]?.[1]).toMatchObject({ big: '9007199254740993', n: '12345.678', tz: '2026-01-02T01:04:05Z' });
      expect(viaCopy[2]?.[1]).toMatchObject({ t: '\\N' });
    });
  });

  describeSqlTableReads({
    source: tableSource,
    ctx,
    connection: () => connection,
    quote: (name) => `"${name}"`,
    unknownColumn: /column "nah" does not exist/,
    hostile: {
      table: 't"x; --',
      key: 'code',
      pages: [
        ['k1', { code: 'k1', 'v a"l': 1 }, 'k1'],
        ['k2', { code: 'k2', 'v a"l': 2 }, 'k2'],
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
        create table events (id int primary key, name text, changed timestamptz, other timestamptz, exported boolean,
          sent smallint, note text);
        insert into events values
          (1, 'a', '2026-03-01T10:00:00Z', '2030-01-01T00:00:00Z', null, null, 'x'),
          (2, 'b', '2026-03-01T12:00:00.250Z', '2030-01-01T00:00:00Z', false, 0, 'x'),
          (3, 'c', '2026-03-02T09:30:00+02:00', '2020-01-01T00:00:00Z', true, 1, 'x'),
          (4, 'd', '2026-03-03T00:00:00Z', '2020-01-01T00:00:00Z', false, 0, 'x'),
          (5, 'e', null, null, false, null, 'x');
        create table "o""ut; --" ("k e""y" text primary key, "don""e" boolean not null default false);
        insert into "o""ut; --" values ('x''1', false), ('y"2', false), ('z;3', true);
      `),
    quote: (name) => `"${name}"`,
    changedText: '2026-03-02T07:30:00Z',
    addFlagColumn: 'ADD COLUMN "shipped" boolean NOT NULL DEFAULT false',
    hostile: {
      table: 'o"ut; --',
      flag: 'don"e',
      unmarked: ["x'1", 'y"2'],
      marked: async () =>
        (await db.sql('select "k e""y" as k from "o""ut; --" where "don""e" order by 1')).rows.map((r) => String(r.k)),
    },
    createGone: async () => {
      await db.sql('create table gone (id int primary key, done boolean)');
      await db.sql('insert into gone values (1, false)');
    },
  });

  describe('postgres.table delta and once: statements', () => {
    it('delta: the watermark goes into the COPY as a literal', async () => {
      queries = [];
      await readWith({ table: 'events', pageSize: 2 }, { cursorField: 'changed', since: '2026-03-01T12:00:00.250Z' });
      expect(queries.filter((q) => q.startsWith('COPY (SELECT "id"'))[0]).toMatch(
        /AND "changed" > '2026-03-01T12:00:00.250Z' ORDER BY/,
      );
    });

    it('once: markExported sets a boolean flag with one UPDATE … = ANY($1::integer[]) that keeps the key index usable', async () => {
      await db.sql(
        'create table marks (id int primary key, exported boolean); insert into marks values (1, null), (2, false)',
      );
      const config = { table: 'marks' };
      const first = await readWith(config, { once: { field: 'exported' } });
      expect(ids(first)).toEqual(['1', '2']);
      queries = [];
      await mark(config, 'exported', pageRecords(first).slice(0, 1));
      const updates = queries.filter((q) => q.startsWith('UPDATE'));
      expect(updates).toEqual([`UPDATE ${db.name}.marks SET "exported" = true WHERE "id" = ANY($1::integer[])`]);
      // the key's own type keeps its index usable (a text comparison could only scan the table)
      await db.sql('set enable_seqscan = off');
      const plan = await db.sql(`explain (costs off) ${updates[0]}`, [[2]]);
      await db.sql('reset enable_seqscan');
      expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/Index Scan using marks_pkey/);
      expect(ids(await readWith(config, { once: { field: 'exported' } }))).toEqual(['2']);
      await mark(config, 'exported', []);
      expect(queries.filter((q) => q.startsWith('UPDATE'))).toHaveLength(1);
    });

    it('once: a text column is not a flag', async () => {
      await expect(readWith({ table: 'events' }, { once: { field: 'note' } })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        field: 'note',
        message: 'once.field "note" of table "events" is text, not a flag',
      });
    });
  });

  const { readAll: readQuery } = sourceReads(querySource, () => connection, ctx);

  describe('postgres.query', () => {
    const query = 'select v, label from n where v > :min order by v';

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

    it("delta: the flow's delta.field (cursorField argument) filters too, and wins over the source's cursorField", async () => {
      const pages: Page[] = [];
      for await (const page of querySource.read(
        {
          config: querySource.config.parse({
            query: 'select id, updated_at from items order by id',
            cursorField: 'id',
          }),
          connection,
          since: '2026-01-03T00:00:00Z',
          cursorField: 'updated_at',
        },
        ctx,
      ))
        pages.push(page);
      expect(pages.flatMap((p) => p.records.map((r) => r.data.id))).toEqual([7, 9]);
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
