import { sqlErrors } from '../../kit/index.js';
import { defineConnector } from '../../sdk/index.js';
import {
  checkPostgresConnection,
  closePostgresConnection,
  openPostgresConnection,
  postgresConnectionConfig,
} from './connection.js';
import { lookupStep } from './lookup-step.js';
import { querySource } from './query-source.js';
import { tableDestination } from './table-destination.js';
import { tableSource } from './table-source.js';

export type { PostgresConnection } from './connection.js';

/** PostgreSQL (pg pools): keyset-paged table and cursor-streamed query sources, a COPY-staged table destination, a lookup step. */
export const postgresConnector = defineConnector({
  name: 'postgres',
  description: 'A PostgreSQL database',
  connection: postgresConnectionConfig,
  open: openPostgresConnection,
  check: checkPostgresConnection,
  close: closePostgresConnection,
  sources: [tableSource, querySource],
  destinations: [tableDestination],
  steps: [lookupStep],
  errors: [sqlErrors],
});
