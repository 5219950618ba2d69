import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeKeyedWritesConformance } from '../../../test/conformance/keyed-writes-conformance.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { tableDestination } from './table-destination.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const up = await requireServer('MySQL', server.hostname, Number(server.port || 3306));

let db: TestDatabase;
let connection: MysqlConnection;
let tables = 0;
beforeAll(async () => {
  if (!up) return;
  db = await createTestDatabase('keyed');
  connection = await db.open();
});
afterAll(async () => {
  if (!up) return;
  await closeMysqlConnection(connection);
  await db.drop();
});

// generated keys: a multi-row INSERT where the server makes its ids consecutive (this one: lock mode
// 1, increment 1), or one INSERT a row where it may not (MySQL 8's default lock mode 2)
for (const consecutiveIds of [true, false]) {
  describeKeyedWritesConformance<MysqlConnection>(
    `mysql.table (ids ${consecutiveIds ? 'consecutive' : 'a row a statement'})`,
    {
      up,
      of: tableDestination,
      async target(seed) {
        const name = `t${++tables}`;
        // an AUTO_INCREMENT key: given by the server when a record has none, kept when it carries one
        await db.sql(`create table ${name} (id int auto_increment primary key, name varchar(40), note varchar(40))`);
        for (const row of seed)
          await db.sql(
            `insert into ${name} values (${row.id}, '${row.name}', ${row.note === null ? 'null' : `'${row.note}'`})`,
          );
        return {
          config: { table: name },
          connection: { ...connection, server: { ...connection.server, consecutiveIds } },
          rows: async () => (await db.sql(`select id, name, note from ${name} order by id`)) as never,
        };
      },
      generated: {},
      carried: {},
    },
  );
}

describe.skipIf(!up)('mysql server', () => {
  it('tells whether multi-row INSERT ids are consecutive from its lock mode and increment', async () => {
    const [row] = (await db.sql('select @@innodb_autoinc_lock_mode as l, @@auto_increment_increment as i')) as {
      l: number;
      i: number;
    }[];
    expect(connection.server.consecutiveIds).toBe(Number(row?.l) <= 1 && Number(row?.i) === 1);
  });
});
