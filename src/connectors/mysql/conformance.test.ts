import { describeSqlConformance, killWaitingWrite } from '../../../test/conformance/sql-conformance.js';
import { countQueries, sqlCustomerRows, sqlItems } from '../../../test/conformance/sql-harness.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const { ids, at } = sqlItems;

/**
 * Connections of the pool checked out or streaming now (mysql2 keeps them in `_allConnections`, the idle
 * ones also in `_freeConnections`; a destroyed one leaves both). Private fields: mysql2 has no public count.
 */
function checkedOut(connection: MysqlConnection): Promise<number> {
  const pool = connection.pool.pool as unknown as {
    _allConnections: { length: number };
    _freeConnections: { length: number };
  };
  return Promise.resolve(pool._allConnections.length - pool._freeConnections.length);
}

let db: TestDatabase;
let tables = 0;

describeSqlConformance<MysqlConnection>('mysql conformance (MariaDB)', {
  name: 'mysql',
  up: await requireServer('MariaDB', server.hostname, Number(server.port || 3306)),
  async setup() {
    db = await createTestDatabase('conf');
    await db.sql(`
      create table items (id int primary key, name varchar(20), updated_at datetime(3));
      insert into items values ${ids.map((id, i) => `(${id}, 'item ${id}', '${at(i).replace('T', ' ').replace('Z', '')}')`).join(', ')};
      create table customers (id int primary key, email varchar(50) unique);
      insert into customers values ${sqlCustomerRows};
    `);
  },
  teardown: () => db.drop(),
  connect: () => db.open({ pool: { max: 3 } }),
  close: closeMysqlConnection,
  held: checkedOut,
  typedRows: 'the server hands every value over typed',
  table: { source: tableSource },
  query: {
    source: querySource,
    config: {
      query: 'select id, name from items where :since is null or updated_at > :since order by id',
      pageSize: 3,
    },
    delta: { by: 'param' },
  },
  destination: {
    of: tableDestination,
    async table(seed, _label, connection) {
      const name = `t${++tables}_${Math.random().toString(36).slice(2, 8)}`;
      await db.sql(`create table ${name} (id int primary key, name varchar(20) not null)`);
      if (seed.length > 0)
        await db.sql(`insert into ${name} values ${seed.map((r) => `(${r.id}, '${r.name}')`).join(', ')}`);
      return { name, connection, rows: () => connection.query(`select id, name from ${name} order by id`) };
    },
    transient: {
      code: 'TRANSIENT_IO',
      // the write waits on a row another session inserted; its connection is killed: TRANSIENT_IO
      fail: killWaitingWrite({
        lock: (table) => db.sql(`begin; insert into ${table} values (3, 'locked')`),
        async waiting(table) {
          const found = (await db.sql(
            `select id from information_schema.processlist where db = '${db.name}' and info like 'INSERT INTO%${table}%'`,
          )) as { id: number }[];
          return found[0]?.id;
        },
        kill: (thread) => db.sql(`kill ${thread}`),
        unlock: () => db.sql('rollback'),
      }),
    },
  },
  lookup: {
    of: lookupStep,
    count: { connection: (connection, count) => countQueries(connection, () => count()) },
    failure: { skip: 'MariaDB compares any key (a NUL character too): a key is found or not, never fails alone' },
  },
});
