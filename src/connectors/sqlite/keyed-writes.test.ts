import { describeKeyedWritesConformance } from '../../../test/conformance/keyed-writes-conformance.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { closeSqliteConnection, openSqliteConnection, type SqliteConnection } from './connection.js';
import { tableDestination } from './table-destination.js';

const { ctx } = tempContext('syncline-sqlite-keyed-');
const opened: SqliteConnection[] = [];
let tables = 0;

describeKeyedWritesConformance<SqliteConnection>('sqlite.table', {
  of: tableDestination,
  async teardown() {
    for (const c of opened) await closeSqliteConnection(c);
  },
  async target(seed) {
    const connection = openSqliteConnection({ path: `keyed${++tables}.db`, readonly: false, pragmas: {} }, ctx);
    opened.push(connection);
    connection.db.exec('create table t (id integer primary key, name text, note text)');
    for (const row of seed) connection.db.prepare('insert into t values (?, ?, ?)').run(row.id, row.name, row.note);
    return {
      config: { table: 't' },
      connection,
      rows: async () => connection.db.prepare('select id, name, note from t order by id').all() as never,
    };
  },
  // INTEGER PRIMARY KEY: the rowid, given when the record has none
  generated: {},
  carried: {},
});
