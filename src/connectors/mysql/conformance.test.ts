import { afterAll, beforeAll, describe } from 'vitest';
import {
  type DestinationTarget,
  describeDestinationConformance,
  type Row,
} from '../../../test/conformance/destination-conformance.js';
import { describeLookupConformance } from '../../../test/conformance/lookup-conformance.js';
import { describeSourceConformance } from '../../../test/conformance/source-conformance.js';
import { requireServer } from '../../../test/helpers/servers.js';
import type { Json } from '../../sdk/index.js';
import {
  closeMysqlConnection,
  type MysqlConnection,
  mysqlConnectionConfig,
  openMysqlConnection,
} from './connection.js';
import { lookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
const ids = [1, 2, 4, 5, 7, 8, 9];

/**
 * Connections of the pool checked out or streaming now (mysql2 keeps them in `_allConnections`, the idle
 * ones also in `_freeConnections`; a destroyed one leaves both). Private fields: mysql2 has no public count.
 */
function checkedOut(connection: MysqlConnection): number {
  const pool = connection.pool.pool as unknown as {
    _allConnections: { length: number };
    _freeConnections: { length: number };
  };
  return pool._allConnections.length - pool._freeConnections.length;
}

describe.skipIf(!up)('mysql conformance (MariaDB)', () => {
  let db: TestDatabase;
  let connection: MysqlConnection;
  /** One connection per source, so a probe of one pool sees that source's reads only. */
  let tableReads: MysqlConnection;
  let queryReads: MysqlConnection;
  let queries = 0;
  let counted: MysqlConnection;
  beforeAll(async () => {
    db = await createTestDatabase('conf');
    const open = () => openMysqlConnection(mysqlConnectionConfig.parse({ url: db.url, pool: { max: 3 } }));
    connection = await open();
    tableReads = await open();
    queryReads = await open();
    counted = {
      ...connection,
      query: <T>(sql: string, where?: string) => {
        queries++;
        return connection.query<T>(sql, where);
      },
    };
    await db.sql(`
      create table items (id int primary key, name varchar(20), updated_at datetime(3));
      insert into items values ${ids.map((id, i) => `(${id}, 'item ${id}', '${at(i).replace('T', ' ').replace('Z', '')}')`).join(', ')};
      create table customers (id int primary key, email varchar(50) unique);
      insert into customers values (1, 'c1@x'), (2, 'c2@x'), (3, 'c3@x');
    `);
  });
  afterAll(async () => {
    for (const c of [connection, tableReads, queryReads]) await closeMysqlConnection(c);
    await db.drop();
  });

  describeSourceConformance('mysql.table', {
    read: ({ from, since }, ctx) =>
      tableSource.read(
        {
          config: tableSource.config.parse({ table: 'items', pageSize: 2 }),
          connection: tableReads,
          ...(from === undefined ? {} : { from }),
          ...(since === undefined ? {} : { since, cursorField: 'updated_at' }),
        },
        ctx,
      ),
    ids: () => ids.map(String),
    delta: { since: () => at(3), ids: () => ['7', '8', '9'] },
    badRows: { skip: 'a table row always reads: the server hands every value over typed' },
    resources: { held: () => Promise.resolve(checkedOut(tableReads)), holdsWhileOpen: false },
  });

  describeSourceConformance('mysql.query', {
    read: ({ from, since }, ctx) =>
      querySource.read(
        {
          config: querySource.config.parse({
            query: 'select id, name from items where :since is null or updated_at > :since order by id',
            pageSize: 3,
          }),
          connection: queryReads,
          ...(from === undefined ? {} : { from }),
          ...(since === undefined ? {} : { since }),
        },
        ctx,
      ),
    ids: () => ids.map((_, i) => `row:${i + 1}`),
    delta: { since: () => at(3), ids: () => ['row:1', 'row:2', 'row:3'] },
    badRows: { skip: 'a query row always reads: the server hands every value over typed' },
    // the query streams on a connection of its own while the read is open
    resources: { held: () => Promise.resolve(checkedOut(queryReads)), holdsWhileOpen: true },
  });

  let tables = 0;
  const names = new WeakMap<DestinationTarget, string>();
  describeDestinationConformance('mysql.table', {
    async target(seed: readonly Row[]) {
      const table = `t${++tables}_${Math.random().toString(36).slice(2, 8)}`;
      await db.sql(`create table ${table} (id int primary key, name varchar(20) not null)`);
      if (seed.length > 0)
        await db.sql(`insert into ${table} values ${seed.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
      const target: DestinationTarget = {
        open: (operation, ctx) =>
          tableDestination.open(
            { config: tableDestination.config.parse({ table, operation, key: 'id' }), connection },
            ctx,
          ),
        rows: () => connection.query<Row[]>(`select id, name from ${table} order by id`),
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
      // the write waits on a row another session inserted; its connection is killed: TRANSIENT_IO
      async fail(target, writer, records, ctx) {
        const table = names.get(target) as string;
        await db.sql(`begin; insert into ${table} values (3, 'locked')`);
        try {
          const writing = writer.write(records, ctx).catch((e: unknown) => e);
          let thread: number | undefined;
          for (let i = 0; i < 250 && thread === undefined; i++) {
            await new Promise((r) => setTimeout(r, 20));
            const found = (await db.sql(
              `select id from information_schema.processlist where db = '${db.name}' and info like 'INSERT INTO%${table}%'`,
            )) as { id: number }[];
            thread = found[0]?.id;
          }
          if (thread === undefined) throw new Error('the write never waited on the lock');
          await db.sql(`kill ${thread}`);
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

  describeLookupConformance('mysql.lookup', {
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
    failure: { skip: 'MariaDB compares any key (a NUL character too): a key is found or not, never fails alone' },
  });
});
