import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
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
import { durationSchema, parseDuration } from '../../sdk/index.js';
import { isConnectionBroken, pgError } from './pg-errors.js';
import { jsonTypes } from './pg-values.js';

export const postgresConnectionConfig = z
  .object({
    /** `postgres://user:password@host:5432/database`; the separate fields below override its parts. */
    url: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'a PostgreSQL URL starts with postgres:// (or postgresql://)')
      .superRefine((url, check) => {
        const problem = /^postgres(ql)?:\/\//.test(url) ? databaseUrlProblem(url) : undefined;
        if (problem) check.addIssue({ code: 'custom', message: `${problem}. ${databaseUrlHint}` });
      })
      .optional(),
    ...serverConnectionFields,
    /** Longest a statement may run (`30s`, `5m`, ms); the server cancels it after that (retried as transient). */
    statementTimeout: durationSchema.optional(),
    /** Longest to wait for a connection (TCP, TLS, authentication). */
    connectTimeout: durationSchema.default('10s'),
  })
  .strict()
  .refine(...urlOrHost('postgres://user:password@host:5432/database'));

export type PostgresConnectionConfig = z.infer<typeof postgresConnectionConfig>;

/** An opened `postgres` connection: a pg Pool whose sessions run in UTC with ISO dates. */
export interface PostgresConnection {
  readonly pool: pg.Pool;
  /** `postgres user:***@host:port/database` (password masked), for messages. */
  readonly target: string;
  /** One statement on a pooled client (rows as arrays); errors mapped to FlowError. */
  query(text: string, values?: readonly unknown[], where?: string): Promise<pg.QueryArrayResult>;
  /** Runs `work` on one pooled client; a client whose connection broke is destroyed, not reused. */
  withClient<T>(work: (client: pg.PoolClient) => Promise<T>, where?: string): Promise<T>;
  /**
   * `COPY (select) TO STDOUT` (text format) on a pooled client: `lines` gets the output as it
   * arrives, in pieces of whole lines (`f1\tf2\n…`, COPY-escaped, `\N` for NULL).
   */
  copyOut(select: string, lines: (text: string) => void, where?: string): Promise<void>;
}

/** Session settings: UTC, ISO dates and intervals, UTF-8 (the value parsers rely on them). */
const SESSION = '-c TimeZone=UTC -c DateStyle=ISO -c IntervalStyle=iso_8601 -c client_encoding=UTF8';

export function poolOptions(config: PostgresConnectionConfig): pg.PoolConfig {
  const parsed = config.url ? parseDatabaseUrl(config.url, 'postgres connection url') : undefined;
  const url = parsed?.url;
  const param = (name: string) => url?.searchParams.get(name) ?? undefined;
  const target = serverTarget(config, parsed, 5432);
  const sslmode = param('sslmode');
  const ssl =
    config.ssl === true
      ? {}
      : config.ssl === false
        ? false
        : config.ssl !== undefined
          ? { ...config.ssl }
          : sslmode === 'require' || sslmode === 'verify-full' || sslmode === 'verify-ca'
            ? { rejectUnauthorized: sslmode !== 'require' }
            : false;
  const timeout = config.statementTimeout === undefined ? undefined : parseDuration(config.statementTimeout);
  const options: pg.PoolConfig = {
    host: target.host,
    port: target.port,
    ...target.login,
    max: config.pool.max,
    ssl,
    connectionTimeoutMillis: parseDuration(config.connectTimeout) ?? 10_000,
    idleTimeoutMillis: 30_000,
    application_name: 'syncline',
    options: [SESSION, param('options')].filter(Boolean).join(' '),
    types: jsonTypes,
    keepAlive: true,
  };
  if (timeout !== undefined) options.statement_timeout = timeout;
  return options;
}

/** `postgres user:***@host:port/database` for messages: the password masked. */
export function describeTarget(options: pg.PoolConfig): string {
  const user = options.user ? `${options.user}${options.password ? ':***' : ''}@` : '';
  return `postgres ${user}${options.host}:${options.port}/${options.database ?? options.user ?? ''}`;
}

const unreachable =
  'Check host and port (default 5432), that the server runs and accepts TCP connections (listen_addresses), and that no firewall blocks it.';
/** An error while connecting, with what to check. */
const connectionError = (error: unknown, target: string) =>
  connectError(error, target, pgError(error, target), unreachable);

export async function openPostgresConnection(config: PostgresConnectionConfig): Promise<PostgresConnection> {
  const options = poolOptions(config);
  const target = describeTarget(options);
  const pool = new pg.Pool(options);
  // Idle clients dropped by the server emit 'error' on the pool; the next query reports its own error.
  pool.on('error', () => undefined);
  // A checked-out client has no pool listener: a session the server ends between two statements
  // (pg_terminate_backend, restart, failover) would raise an unhandled 'error' and kill the process.
  // The statement in flight (or the next) fails instead (TRANSIENT_IO, retried), and pg-pool drops
  // the client on release because it is no longer queryable.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const withClient = async <T>(work: (client: pg.PoolClient) => Promise<T>, where = target): Promise<T> => {
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (error) {
      throw connectionError(error, where);
    }
    try {
      const result = await work(client);
      client.release();
      return result;
    } catch (error) {
      client.release(isConnectionBroken(error) ? (error as Error) : undefined);
      throw pgError(error, where);
    }
  };
  const query = (text: string, values: readonly unknown[] = [], where = target) =>
    withClient((c) => c.query({ text, values: values as unknown[], rowMode: 'array' }), where);
  const copyOut = (select: string, lines: (text: string) => void, where = target) =>
    withClient(async (client) => {
      const stream = client.query(copyTo(`COPY (${select}) TO STDOUT`));
      // a line ends with \n, a byte no multi-byte UTF-8 character contains: cut there, decode whole lines
      let rest: Buffer | undefined;
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        const data = rest === undefined ? chunk : Buffer.concat([rest, chunk]);
        const end = data.lastIndexOf(10) + 1;
        rest = end < data.length ? data.subarray(end) : undefined;
        if (end > 0) lines(data.toString('utf8', 0, end));
      }
      if (rest !== undefined) lines(rest.toString('utf8'));
    }, where);
  const connection: PostgresConnection = { pool, target, query, withClient, copyOut };
  try {
    await checkPostgresConnection(connection);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return connection;
}

export async function checkPostgresConnection(connection: PostgresConnection): Promise<void> {
  let client: pg.PoolClient;
  try {
    client = await connection.pool.connect();
  } catch (error) {
    throw connectionError(error, connection.target);
  }
  try {
    await client.query('select 1');
    client.release();
  } catch (error) {
    client.release(error as Error);
    throw connectionError(error, connection.target);
  }
}

export async function closePostgresConnection(connection: PostgresConnection): Promise<void> {
  await connection.pool.end();
}
