import mysql from 'mysql2/promise';
import { z } from 'zod';
import {
  connectError,
  databaseUrlHint,
  databaseUrlProblem,
  parseDatabaseUrl,
  serverConnectionFields,
  serverTarget,
  urlOrHost,
} from '../../kit/index.js';
import { isFatal, mysqlError } from './mysql-errors.js';
import { castField } from './sql-values.js';

export const mysqlConnectionConfig = z
  .object({
    /** `mysql://user:password@host:3306/database`; the separate fields below override its parts. */
    url: z
      .string()
      .regex(/^(mysql|mariadb):\/\//, 'a MySQL URL starts with mysql:// (or mariadb://)')
      .superRefine((url, check) => {
        const problem = /^(mysql|mariadb):\/\//.test(url) ? databaseUrlProblem(url) : undefined;
        if (problem) check.addIssue({ code: 'custom', message: `${problem}. ${databaseUrlHint}` });
      })
      .optional(),
    ...serverConnectionFields,
    /** Milliseconds to wait for the TCP connection and handshake. */
    connectTimeout: z.number().int().positive().default(10_000),
  })
  .strict()
  .refine(...urlOrHost('mysql://user:password@host:3306/database'));

export type MysqlConnectionConfig = z.infer<typeof mysqlConnectionConfig>;

/** What the server is; decides the upsert syntax. */
export interface ServerInfo {
  readonly version: string;
  readonly mariadb: boolean;
  /** MySQL ≥ 8.0.19: `INSERT … AS new ON DUPLICATE KEY UPDATE c = new.c` (VALUES() is deprecated). */
  readonly rowAlias: boolean;
  readonly maxAllowedPacket: number;
  /**
   * A multi-row INSERT's AUTO_INCREMENT ids are consecutive from its insertId:
   * `innodb_autoinc_lock_mode` ≤ 1 (MySQL 8 defaults to 2, interleaved) and `auto_increment_increment` 1.
   */
  readonly consecutiveIds: boolean;
}

/** An opened `mysql` connection: a pool whose connections run in strict mode, UTC and utf8mb4. */
export interface MysqlConnection {
  readonly pool: mysql.Pool;
  /** `host:port/database` (no credentials), for messages. */
  readonly target: string;
  readonly server: ServerInfo;
  /** A pooled connection with the session set up; give it back with `release`. */
  acquire(): Promise<mysql.PoolConnection>;
  /** Returns a connection to the pool, or destroys it after an error that left it unusable. */
  release(conn: mysql.PoolConnection, error?: unknown): void;
  /** One statement on a pooled connection; errors mapped to FlowError. */
  query<T>(sql: string, where?: string): Promise<T>;
}

/**
 * Strict mode (bad values are errors, not silent truncation), backslash escapes on (the escaper
 * relies on them) and UTC for TIMESTAMP columns and NOW().
 */
export const SESSION_SETUP =
  "SET SESSION sql_mode = TRIM(BOTH ',' FROM REPLACE(CONCAT(',', @@SESSION.sql_mode, ',STRICT_ALL_TABLES,'), ',NO_BACKSLASH_ESCAPES,', ',')), time_zone = '+00:00'";

export function connectionOptions(config: MysqlConnectionConfig): mysql.PoolOptions {
  const url = config.url ? parseDatabaseUrl(config.url, 'mysql connection url') : undefined;
  const target = serverTarget(config, url, 3306);
  const ssl =
    config.ssl === true ? {} : config.ssl === false || config.ssl === undefined ? undefined : { ...config.ssl };
  const options: mysql.PoolOptions = {
    host: target.host,
    port: target.port,
    ...target.login,
    connectionLimit: config.pool.max,
    maxIdle: config.pool.max,
    connectTimeout: config.connectTimeout,
    waitForConnections: true,
    timezone: 'Z',
    charset: 'UTF8MB4_UNICODE_CI',
    supportBigNumbers: true,
    bigNumberStrings: false,
    decimalNumbers: false,
    // affectedRows counts changed rows only, so unchanged upserts and updates are reported as skipped.
    flags: ['-FOUND_ROWS'],
    typeCast: castField,
    multipleStatements: false,
    enableKeepAlive: true,
  };
  if (ssl !== undefined) options.ssl = ssl;
  return options;
}

/** `host:port/database` for messages: never the password. */
export function describeTarget(options: mysql.PoolOptions): string {
  const user = options.user ? `${options.user}@` : '';
  return `mysql ${user}${options.host}:${options.port}/${options.database ?? ''}`;
}

const unreachable = 'Check host and port (default 3306), that the server runs and that no firewall blocks it.';
const openError = (error: unknown, target: string) =>
  connectError(error, target, mysqlError(error, target), unreachable);

export async function openMysqlConnection(config: MysqlConnectionConfig): Promise<MysqlConnection> {
  const options = connectionOptions(config);
  const target = describeTarget(options);
  const pool = mysql.createPool(options);
  // Swallow pool-level error events (idle connections dropped by the server); queries report their own errors.
  pool.pool.on('error', () => undefined);
  const ready = new WeakSet<object>();
  const acquire = async (): Promise<mysql.PoolConnection> => {
    const conn = await pool.getConnection();
    if (!ready.has(conn.connection)) {
      try {
        await conn.query(SESSION_SETUP);
      } catch (error) {
        conn.destroy();
        throw error;
      }
      ready.add(conn.connection);
    }
    return conn;
  };
  const release = (conn: mysql.PoolConnection, error?: unknown) => {
    if (error !== undefined && isFatal(error)) conn.destroy();
    else conn.release();
  };
  const query = async <T>(sql: string, where = target): Promise<T> => {
    const conn = await acquire().catch((error: unknown) => {
      throw mysqlError(error, where);
    });
    let rows: unknown;
    try {
      [rows] = await conn.query(sql);
    } catch (error) {
      release(conn, error);
      throw mysqlError(error, where);
    }
    release(conn);
    return rows as T;
  };
  let server: ServerInfo;
  try {
    const conn = await acquire();
    try {
      const [rows] = await conn.query(
        'SELECT VERSION() AS v, @@max_allowed_packet AS p, @@innodb_autoinc_lock_mode AS l, @@auto_increment_increment AS i',
      );
      type Row = { v: string; p: number | string; l: number | string | null; i: number | string };
      const row = (rows as Row[])[0] ?? { v: '', p: 4 << 20, l: 2, i: 1 };
      const mariadb = /mariadb/i.test(row.v);
      const [major = 0, minor = 0, patch = 0] = row.v.split(/[.-]/).map(Number);
      const rowAlias = !mariadb && (major > 8 || (major === 8 && (minor > 0 || patch >= 19)));
      const consecutiveIds = row.l !== null && Number(row.l) <= 1 && Number(row.i) === 1;
      server = { version: row.v, mariadb, rowAlias, maxAllowedPacket: Number(row.p), consecutiveIds };
    } finally {
      conn.release();
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw openError(error, target);
  }
  return { pool, target, server, acquire, release, query };
}

export async function checkMysqlConnection(connection: MysqlConnection): Promise<void> {
  try {
    await connection.query('SELECT 1');
  } catch (error) {
    throw openError((error as { cause?: unknown }).cause ?? error, connection.target);
  }
}

export async function closeMysqlConnection(connection: MysqlConnection): Promise<void> {
  await connection.pool.end();
}
