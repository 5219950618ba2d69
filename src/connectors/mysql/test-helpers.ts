import mysql from 'mysql2/promise';
import { type MysqlConnection, mysqlConnectionConfig, openMysqlConnection } from './connection.js';

/** The server the tests use: SYNCLINE_TEST_MYSQL_URL, default root without password at 127.0.0.1:3306/test. */
export const testServerUrl = process.env['SYNCLINE_TEST_MYSQL_URL'] ?? 'mysql://root@127.0.0.1:3306/test';

export interface TestDatabase {
  /** URL of a fresh database of its own. */
  readonly url: string;
  readonly name: string;
  /** Runs statements as the admin user in that database. */
  sql(statement: string): Promise<unknown>;
  /** Opens a connection of the connector into the database. */
  open(extra?: Record<string, unknown>): Promise<MysqlConnection>;
  drop(): Promise<void>;
}

/**
 * For tests only: creates a database with a unique name (utf8mb4) on the test server, so test files
 * can run in parallel and leave nothing behind.
 */
export async function createTestDatabase(prefix: string): Promise<TestDatabase> {
  const name = `syncline_${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const server = new URL(testServerUrl);
  const admin = await mysql.createConnection({
    host: server.hostname,
    port: Number(server.port || 3306),
    user: decodeURIComponent(server.username || 'root'),
    password: decodeURIComponent(server.password),
    charset: 'UTF8MB4_UNICODE_CI',
    multipleStatements: true,
  });
  await admin.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`);
  await admin.query(`USE \`${name}\``);
  const url = new URL(testServerUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    sql: async (statement) => (await admin.query(statement))[0],
    open: (extra = {}) => openTestConnection(url.toString(), extra),
    async drop() {
      await admin.query(`DROP DATABASE IF EXISTS \`${name}\``);
      await admin.end();
    },
  };
}

/** For tests only: a connection of the connector to `url` (the connection config's other fields from `extra`). */
export function openTestConnection(url: string, extra: Record<string, unknown> = {}): Promise<MysqlConnection> {
  return openMysqlConnection(mysqlConnectionConfig.parse({ url, ...extra }));
}
