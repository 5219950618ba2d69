import pg from 'pg';
import { openPostgresConnection, type PostgresConnection, postgresConnectionConfig } from './connection.js';

/** The server the tests use: SYNCLINE_TEST_PG_URL, default postgres (trust) at 127.0.0.1:5432/test. */
export const testServerUrl = process.env['SYNCLINE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface TestSchema {
  /** A URL whose search_path is the schema. */
  readonly url: string;
  readonly name: string;
  /** Runs statements as the admin user with the schema first in the search_path. */
  sql(statement: string, values?: unknown[]): Promise<pg.QueryResult>;
  /** Opens a connection of the connector into the schema. */
  open(extra?: Record<string, unknown>): Promise<PostgresConnection>;
  drop(): Promise<void>;
}

/** For tests only: a schema with a unique name on the test server (dropped with cascade at the end). */
export async function createTestSchema(prefix: string): Promise<TestSchema> {
  const name = `syncline_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const admin = new pg.Client({ connectionString: testServerUrl });
  await admin.connect();
  await admin.query(`CREATE SCHEMA "${name}"`);
  await admin.query(`SET search_path = "${name}"`);
  const url = new URL(testServerUrl);
  url.searchParams.set('options', `-c search_path=${name}`);
  return {
    url: url.toString(),
    name,
    sql: (statement, values) => admin.query(statement, values),
    open: (extra = {}) => openPostgresConnection(postgresConnectionConfig.parse({ url: url.toString(), ...extra })),
    async drop() {
      await admin.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
      await admin.end();
    },
  };
}
