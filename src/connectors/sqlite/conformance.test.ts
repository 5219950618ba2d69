import Database from 'better-sqlite3';
import {
  describeDestinationConformance,
  type Operation,
  type Row,
} from '../../../test/conformance/destination-conformance.js';
import { describeLookupConformance } from '../../../test/conformance/lookup-conformance.js';
import { describeSourceConformance } from '../../../test/conformance/source-conformance.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { Context, Json } from '../../sdk/index.js';
import { openSqliteConnection, type SqliteConnection } from './connection.js';
import { sqliteLookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';

const { ctx } = tempContext('syncline-sqlite-conformance-');
const at = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, n)).toISOString();
const connect = (path: string, pragmas: Record<string, number> = {}): SqliteConnection =>
  openSqliteConnection({ path, readonly: false, pragmas }, ctx);

/** Seven rows, ids 1, 2, 4, 5, 7, 8, 9 (gaps on purpose), one a minute from 2026-01-01. */
const ids = [1, 2, 4, 5, 7, 8, 9];
const source = connect('source.db');
source.db.exec('create table items (id integer primary key, name text, updated_at text)');
for (const [i, id] of ids.entries())
  source.db.prepare('insert into items values (?, ?, ?)').run(id, `item ${id}`, at(i));
source.db.exec('create table probe (n integer)');
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

describeSourceConformance('sqlite.table', {
  read: ({ from, since }, c) =>
    tableSource.read(
      {
        config: tableSource.config.parse({ table: 'items', pageSize: 2 }),
        connection: source,
        ...(from === undefined ? {} : { from }),
        ...(since === undefined ? {} : { since, cursorField: 'updated_at' }),
      },
      c,
    ),
  ids: () => ids.map(String),
  delta: { since: () => at(3), ids: () => ['7', '8', '9'] },
  badRows: { skip: 'a table row always reads: SQLite hands every value over as it is stored' },
  resources: { held: openReads, holdsWhileOpen: false },
});

describeSourceConformance('sqlite.query', {
  read: ({ from }, c) =>
    querySource.read(
      {
        config: querySource.config.parse({ query: 'select id, name from items order by id', pageSize: 3 }),
        connection: source,
        ...(from === undefined ? {} : { from }),
      },
      c,
    ),
  ids: () => ids.map((_, i) => `row:${i + 1}`),
  delta: { skip: 'sqlite.query takes no watermark (no :since parameter, no cursorField)' },
  badRows: { skip: 'a query row always reads: SQLite hands every value over as it is stored' },
  // the query reads through a connection of its own, its read transaction open while the read is
  resources: { held: openReads, holdsWhileOpen: true },
});

let tables = 0;
const files = new WeakMap<object, string>();
describeDestinationConformance('sqlite.table', {
  async target(seed: readonly Row[]) {
    const c = connect(`dest${++tables}.db`, { busy_timeout: 50 });
    c.db.exec('create table t (id integer primary key, name text not null)');
    for (const row of seed) c.db.prepare('insert into t values (?, ?)').run(row.id, row.name);
    const target = {
      open: (operation: Operation, c2: Context) =>
        tableDestination.open(
          { config: tableDestination.config.parse({ table: 't', operation, key: 'id' }), connection: c },
          c2,
        ),
      rows: async () => c.db.prepare('select id, name from t order by id').all() as Row[],
    };
    files.set(target, c.file);
    return target;
  },
  operations: { insert: {}, upsert: {}, ignore: {}, update: { missing: 'RECORD_NOT_FOUND' } },
  countsUnchanged: true,
  noKey: { code: 'RECORD_NO_KEY', field: 'id' },
  rejects: { record: (id) => ({ id, name: null }), code: 'RECORD_CONSTRAINT' },
  rewrite: { by: 'pageMarkers' },
  transient: {
    code: 'DB_BUSY',
    // another connection holds the write lock past the busy timeout: DB_BUSY
    async fail(target, writer, records, c) {
      const other = new Database(files.get(target) as string);
      try {
        other.exec("begin immediate; insert into t values (100, 'locked')");
        const error = await writer.write(records, c).catch((e: unknown) => e);
        other.exec('rollback');
        return error;
      } finally {
        other.close();
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

const lookupDb = connect('lookup.db');
lookupDb.db.exec(
  "create table customers (id integer primary key, email text unique); insert into customers values (1, 'c1@x'), (2, 'c2@x'), (3, 'c3@x')",
);
let statements = 0;
describeLookupConformance('sqlite.lookup', {
  create: (options, c) =>
    sqliteLookupStep.create(
      {
        config: sqliteLookupStep.config.parse({
          connection: 'erp',
          table: 'customers',
          match: { email: 'email' },
          fields: { found: 'id' },
          onMissing: options.onMissing,
          ...(options.default === undefined ? {} : { default: { found: options.default } }),
          ...(options.cache ? { cache: options.cache } : {}),
        }),
        where: 'flow f/step lookup',
        connection: lookupDb,
      },
      c,
    ),
  context: (c) => ({
    ...c,
    metrics: {
      increment: (name, by = 1) => {
        if (name === 'sqlite_lookup_queries') statements += by;
      },
      observe() {},
    },
  }),
  found: () => [
    { record: { email: 'c1@x', n: 1 }, value: 1 as Json },
    { record: { email: 'c3@x', n: 3 }, value: 3 },
  ],
  missing: () => ({ email: 'nobody@x' }),
  calls: () => statements,
  failure: { skip: 'a SQLite lookup has no per-key failure: any value is compared by the column affinity' },
});
