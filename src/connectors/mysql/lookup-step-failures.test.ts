import { describeSqlLookupFailures } from '../../../test/conformance/sql-lookup-failures.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestDatabase, openTestConnection, type TestDatabase, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const port = Number(server.port || 3306);
let db: TestDatabase;

describeSqlLookupFailures<MysqlConnection>('mysql.lookup when the server is slow or down', {
  up: await requireServer('MariaDB', server.hostname, port),
  server: { hostname: server.hostname, port },
  async setup() {
    db = await createTestDatabase('lookupfail');
    await db.sql(`
      create table customers (id int primary key, email varchar(50) unique);
      insert into customers values (1, 'a@x');
      create view slow_customers as select * from customers where sleep(0.6) = 0;
    `);
    return db.url;
  },
  teardown: () => db.drop(),
  connect: (url) => openTestConnection(url),
  close: closeMysqlConnection,
  target: (connection) => connection.target,
  of: lookupStep,
  downMessage: /^mysql root@127\.0\.0\.1:\d+\//,
  // the statement ends on the server
  settleMs: 700,
});
