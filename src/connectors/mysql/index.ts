import { sqlErrors } from '../../kit/index.js';
import { defineConnector } from '../../sdk/index.js';
import {
  checkMysqlConnection,
  closeMysqlConnection,
  mysqlConnectionConfig,
  openMysqlConnection,
} from './connection.js';
import { lookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';

export type { MysqlConnection } from './connection.js';

/** MySQL and MariaDB (mysql2 pools): keyset-paged table and streamed query sources, a transactional table destination, a lookup step. */
export const mysqlConnector = defineConnector({
  name: 'mysql',
  description: 'A MySQL or MariaDB database',
  connection: mysqlConnectionConfig,
  open: openMysqlConnection,
  check: checkMysqlConnection,
  close: closeMysqlConnection,
  sources: [tableSource, querySource],
  destinations: [tableDestination],
  steps: [lookupStep],
  errors: [sqlErrors],
});
