import { sqlErrors } from '../../kit/index.js';
import { defineConnector } from '../../sdk/index.js';
import {
  checkSqliteConnection,
  closeSqliteConnection,
  openSqliteConnection,
  sqliteConnectionConfig,
} from './connection.js';
import { sqliteLookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';

export type { SqliteConnection } from './connection.js';

/** A SQLite database file (better-sqlite3): keyset-paged table and query sources, a transactional table destination, a lookup step. */
export const sqliteConnector = defineConnector({
  name: 'sqlite',
  description: 'A SQLite database file',
  connection: sqliteConnectionConfig,
  open: openSqliteConnection,
  check: checkSqliteConnection,
  close: closeSqliteConnection,
  sources: [tableSource, querySource],
  destinations: [tableDestination],
  steps: [sqliteLookupStep],
  errors: [sqlErrors],
});
