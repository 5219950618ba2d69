import { afterAll, beforeAll, describe } from 'vitest';
import {
  type DestinationTarget,
  describeDestinationConformance,
  type Row,
} from '../../../test/conformance/destination-conformance.js';
import { describeLookupConformance } from '../../../test/conformance/lookup-conformance.js';
import { describeSourceConformance, type SourceReadArgs } from '../../../test/conformance/source-conformance.js';
import { requireServer } from '../../../test/helpers/servers.js';
import type { Context, Json } from '../../sdk/index.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString().replace('.000Z', 'Z');
const ids = [1, 2, 4, 5, 7, 8, 9];

describe.skipIf(!up)('postgres conformance', () => {
  let db: TestSchema;
  let connection: PostgresConnection;
  /** One connection per source, so a probe of one pool sees that source's reads only. */
  let tableReads: PostgresConnection;
  let queryReads: PostgresConnection;
  let queries = 0;
  let counted: PostgresConnection;
  beforeAll(async () => {
    db = await createTestSchema('conf');
    connection = await db.open({ pool: { max: 3 } });
    tableReads = await db.open({ pool: { max: 3 } });
    queryReads = await db.open({ pool: { max: 3 } });
    counted = {
      ...connection,
      query: (text, values, where) => {
        queries++;
        return connection.query(text, values, where);
      },
    };
    await db.sql('create table items (id int primary key, name text, updated_at timestamptz)');
    for (const [i, id] of ids.entries())
      await db.sql('insert into items values ($1, $2, $3)', [id, `item ${id}`, at(i)]);
    await db.sql(`
      create table customers (id int primary key, email text unique);
      insert into customers values (1, 'c1@x'), (2, 'c2@x'), (3, 'c3@x');
    `);
  });
  afterAll(async () => {
    for (const c of [connection, tableReads, queryReads]) await closePostgresConnection(c);
    await db.drop();
  });
  /** Pool clients checked out of a connection's pool (a COPY or a cursor in progress). */
  const checkedOut = (c: () => PostgresConnection) => () => Promise.resolve(c().pool.totalCount - c().pool.idleCount);
  const readTable = (table: string) => (args: SourceReadArgs, ctx: Context) =>
    tableSource.read(
      {
        config: tableSource.config.parse({ table, pageSize: 2 }),
        connection: tableReads,
        ...(args.from === undefined ? {} : { from: args.from }),
        ...(args.since === undefined ? {} : { since: args.since, cursorField: 'updated_at' }),
      },
      ctx,
    );

  describeSourceConformance('postgres.table', {
    read: readTable('items'),
    ids: () => ids.map(String),
    delta: { since: () => at(3), ids: () => ['7', '8', '9'] },
    badRows: { skip: 'a table row always reads: PostgreSQL hands every value over typed' },
    resources: {
      held: checkedOut(() => tableReads),
      holdsWhileOpen: false,
    },
  });

  describeSourceConformance('postgres.query', {
    read: ({ from, since }, ctx) =>
      querySource.read(
        {
          config: querySource.config.parse({
            query: 'select id, name, updated_at from items order by id',
            pageSize: 3,
          }),
          connection: queryReads,
          ...(from === undefined ? {} : { from }),
          ...(since === undefined ? {} : { since, cursorField: 'updated_at' }),
        },
        ctx,
      ),
    ids: () => ids.map((_, i) => `row:${i + 1}`),
    delta: { since: () => at(3), ids: () => ['row:1', 'row:2', 'row:3'] },
    badRows: { skip: 'a query row always reads: PostgreSQL hands every value over typed' },
    // the cursor keeps its client (in a transaction) while the read is open
    resources: { held: checkedOut(() => queryReads), holdsWhileOpen: true },
  });

  let tables = 0;
  const names = new WeakMap<DestinationTarget, string>();
  for (const mode of ['copy', 'insert'] as const) {
    describeDestinationConformance(`postgres.table (mode ${mode})`, {
      async target(seed: readonly Row[]) {
        const table = `t${++tables}_${mode}_${Math.random().toString(36).slice(2, 8)}`;
        await db.sql(`create table ${table} (id int primary key, name varchar(20) not null)`);
        for (const row of seed) await db.sql(`insert into ${table} values ($1, $2)`, [row.id, row.name]);
        const target: DestinationTarget = {
          open: (operation, ctx) =>
            tableDestination.open(
              { config: tableDestination.config.parse({ table, operation, key: 'id', mode }), connection },
              ctx,
            ),
          rows: async () => (await db.sql(`select id, name from ${table} order by id`)).rows as Row[],
        };
        names.set(target, table);
        return target;
      },
      operations: { insert: {}, upsert: {}, ignore: {}, update: { missing: 'RECORD_NOT_FOUND' } },
      countsUnchanged: true,
      noKey: { code: 'RECORD_NO_KEY', field: 'id' },
      rejects: { record: (id) => ({ id, name: null }), code: 'RECORD_CONSTRAINT' },
      rewrite: { by: 'pageMarkers' },
      transient: {
        code: 'TRANSIENT_IO',
        // the write waits on a row another session inserted; that backend is terminated: TRANSIENT_IO
        async fail(target, writer, records, ctx) {
          const table = names.get(target) as string;
          await db.sql('begin');
          try {
            await db.sql(`insert into ${table} values (3, 'locked')`);
            const writing = writer.write(records, ctx).catch((e: unknown) => e);
            let pid: number | undefined;
            for (let i = 0; i < 250 && pid === undefined; i++) {
              await new Promise((r) => setTimeout(r, 20));
              // inside a transaction pg_stat_activity is a snapshot taken once: take a fresh one each time
              await db.sql('select pg_stat_clear_snapshot()');
              const found = await db.sql(
                "select pid from pg_stat_activity where wait_event_type = 'Lock' and query like $1",
                [`%${table}%`],
              );
              pid = found.rows[0]?.pid;
            }
            if (pid === undefined) throw new Error('the write never waited on the lock');
            await db.sql('select pg_terminate_backend($1)', [pid]);
            return await writing;
          } finally {
            await db.sql('rollback');
          }
        },
      },
      permanent: {
        records: [
          { id: 3, name: 'c' },
          { id: 4, name: 'd', missing_col: 1 },
        ],
        code: 'SQL_ERROR',
      },
      ids: { skip: 'a table destination reports no ids: the key is the record’s own' },
    });
  }

  describeLookupConformance('postgres.lookup', {
    create: (options, ctx) =>
      lookupStep.create(
        {
          config: lookupStep.config.parse({
            connection: 'erp',
            table: 'customers',
            match: { email: 'email' },
            fields: { found: 'id' },
            onMissing: options.onMissing,
            ...(options.default === undefined ? {} : { default: { found: options.default } }),
            ...(options.cache ? { cache: options.cache } : {}),
          }),
          where: 'flow f/step lookup',
          connection: counted,
        },
        ctx,
      ),
    found: () => [
      { record: { email: 'c1@x', n: 1 }, value: 1 as Json },
      { record: { email: 'c3@x', n: 3 }, value: 3 },
    ],
    missing: () => ({ email: 'nobody@x' }),
    calls: () => queries,
    // PostgreSQL text cannot hold a NUL character: that key cannot be looked up
    failure: { record: () => ({ email: 'c2\u0000@x' }), code: 'RECORD_BAD_VALUE' },
  });
});
