import Database from 'better-sqlite3';
import type { Row } from '../../../test/conformance/destination-conformance.js';
import { describeSqlConformance } from '../../../test/conformance/sql-conformance.js';
import { sqlCustomerRows, sqlItems } from '../../../test/conformance/sql-harness.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { closeSqliteConnection, openSqliteConnection, type SqliteConnection } from './connection.js';
import { sqliteLookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';
import { countLookupQueries } from './test-helpers.js';

const { ctx } = tempContext('syncline-sqlite-conformance-');
const { ids, at } = sqlItems;
const connect = (path: string, pragmas: Record<string, number> = {}): SqliteConnection =>
  openSqliteConnection({ path, readonly: false, pragmas }, ctx);

let source: SqliteConnection;
let tables = 0;
const opened: SqliteConnection[] = [];

/**
 * Read transactions open on the database: with a write just made, a TRUNCATE checkpoint (not waiting)
 * is busy while any connection still reads an older snapshot (a query's own reader left open).
 */
function openReads(): Promise<number> {
  source.db.prepare('insert into probe values (1)').run();
  source.db.pragma('busy_timeout = 0');
  try {
    const [result] = source.db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    return Promise.resolve(result?.busy ?? 0);
  } finally {
    source.db.pragma(`busy_timeout = ${source.busyTimeout}`);
  }
}

describeSqlConformance<SqliteConnection>('sqlite conformance', {
  name: 'sqlite',
  up: true,
  async setup() {
    source = connect('source.db');
    source.db.exec('create table items (id integer primary key, name text, updated_at text)');
    for (const [i, id] of ids.entries())
      source.db.prepare('insert into items values (?, ?, ?)').run(id, `item ${id}`, at(i));
    source.db.exec('create table probe (n integer)');
    source.db.exec(
      `create table customers (id integer primary key, email text unique); insert into customers values ${sqlCustomerRows}`,
    );
  },
  async teardown() {
    for (const c of [source, ...opened]) await closeSqliteConnection(c);
  },
  connect: async () => connect('source.db'),
  close: closeSqliteConnection,
  // the query reads through a connection of its own, its read transaction open while the read is
  held: openReads,
  typedRows: 'SQLite hands every value over as it is stored',
  table: { source: tableSource },
  query: {
    source: querySource,
    config: { query: 'select id, name from items order by id', pageSize: 3 },
    delta: { skip: 'sqlite.query takes no watermark (no :since parameter, no cursorField)' },
  },
  destination: {
    of: tableDestination,
    async table(seed) {
      const c = connect(`dest${++tables}.db`, { busy_timeout: 50 });
      opened.push(c);
      c.db.exec('create table t (id integer primary key, name text not null)');
      for (const row of seed) c.db.prepare('insert into t values (?, ?)').run(row.id, row.name);
      return {
        name: 't',
        connection: c,
        rows: async () => c.db.prepare('select id, name from t order by id').all() as Row[],
      };
    },
    transient: {
      code: 'DB_BUSY',
      // another connection holds the write lock past the busy timeout: DB_BUSY
      async fail(table, write) {
        const other = new Database(table.connection.file);
        try {
          other.exec("begin immediate; insert into t values (100, 'locked')");
          const error = await write();
          other.exec('rollback');
          return error;
        } finally {
          other.close();
        }
      },
    },
  },
  lookup: {
    of: sqliteLookupStep,
    count: { context: countLookupQueries },
    failure: { skip: 'a SQLite lookup has no per-key failure: any value is compared by the column affinity' },
  },
});
