import { describeSqlConformance, killWaitingWrite } from '../../../test/conformance/sql-conformance.js';
import { countQueries, sqlCustomerRows, sqlItems } from '../../../test/conformance/sql-harness.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const at = (n: number) => sqlItems.at(n).replace('.000Z', 'Z');

/** Pool clients checked out of a connection's pool (a COPY or a cursor in progress). */
const checkedOut = (c: PostgresConnection) => Promise.resolve(c.pool.totalCount - c.pool.idleCount);

let db: TestSchema;
let tables = 0;

describeSqlConformance<PostgresConnection>('postgres conformance', {
  name: 'postgres',
  up: await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432)),
  async setup() {
    db = await createTestSchema('conf');
    await db.sql('create table items (id int primary key, name text, updated_at timestamptz)');
    for (const [i, id] of sqlItems.ids.entries())
      await db.sql('insert into items values ($1, $2, $3)', [id, `item ${id}`, at(i)]);
    await db.sql(`
      create table customers (id int primary key, email text unique);
      insert into customers values ${sqlCustomerRows};
    `);
  },
  teardown: () => db.drop(),
  connect: () => db.open({ pool: { max: 3 } }),
  close: closePostgresConnection,
  held: checkedOut,
  typedRows: 'PostgreSQL hands every value over typed',
  table: { source: tableSource },
  query: {
    source: querySource,
    config: { query: 'select id, name, updated_at from items order by id', pageSize: 3 },
    // the cursor keeps its client (in a transaction) while the read is open
    delta: { by: 'cursorField' },
  },
  destination: {
    of: tableDestination,
    variants: [
      { label: 'mode copy', config: { mode: 'copy' } },
      { label: 'mode insert', config: { mode: 'insert' } },
    ],
    async table(seed, label, connection) {
      const name = `t${++tables}_${label.replace('mode ', '')}_${Math.random().toString(36).slice(2, 8)}`;
      await db.sql(`create table ${name} (id int primary key, name varchar(20) not null)`);
      for (const row of seed) await db.sql(`insert into ${name} values ($1, $2)`, [row.id, row.name]);
      return {
        name,
        connection,
        rows: async () => (await db.sql(`select id, name from ${name} order by id`)).rows,
      };
    },
    transient: {
      code: 'TRANSIENT_IO',
      // the write waits on a row another session inserted; that backend is terminated: TRANSIENT_IO
      fail: killWaitingWrite({
        lock: async (table) => {
          await db.sql('begin');
          await db.sql(`insert into ${table} values (3, 'locked')`);
        },
        async waiting(table) {
          // inside a transaction pg_stat_activity is a snapshot taken once: take a fresh one each time
          await db.sql('select pg_stat_clear_snapshot()');
          const found = await db.sql(
            "select pid from pg_stat_activity where wait_event_type = 'Lock' and query like $1",
            [`%${table}%`],
          );
          return found.rows[0]?.pid;
        },
        kill: (pid) => db.sql('select pg_terminate_backend($1)', [pid]),
        unlock: () => db.sql('rollback'),
      }),
    },
  },
  lookup: {
    of: lookupStep,
    count: { connection: (connection, count) => countQueries(connection, () => count()) },
    failure: { record: () => ({ email: 'c2\u0000@x' }), code: 'RECORD_BAD_VALUE' },
  },
});
