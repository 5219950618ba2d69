import Database from 'better-sqlite3';
import { z } from 'zod';
import { queryPager, rowCountCheckpoint, sqlErrors } from '../../kit/index.js';
import { type Context, defineSource, type Json } from '../../sdk/index.js';
import type { SqliteConnection } from './connection.js';
import { rowReader } from './row-reader.js';
import { toSqlValue } from './sql-values.js';
import { sqliteError } from './sqlite-errors.js';
import { sqliteParams } from './table-source.js';

export const querySourceConfig = z
  .object({
    /** A SELECT with a stable ORDER BY; named parameters as `:name`. */
    query: z.string().min(1),
    params: sqliteParams.default({}),
    pageSize: z.number().int().positive().default(1000),
    safeIntegers: z.boolean().default(false),
  })
  .strict();

export type QuerySourceConfig = z.infer<typeof querySourceConfig>;

/**
 * A file database is read through a second, read-only handle so that a destination can
 * write through the main one while the query's iterator is open (better-sqlite3 forbids
 * other statements on a connection that is iterating).
 */
function readerFor(connection: SqliteConnection): { db: Database.Database; own: boolean } {
  if (connection.file === ':memory:') return { db: connection.db, own: false };
  const db = new Database(connection.file, { readonly: true, fileMustExist: true });
  db.pragma(`busy_timeout = ${connection.busyTimeout}`);
  return { db, own: true };
}

async function* readQuery(
  config: QuerySourceConfig,
  connection: SqliteConnection,
  from: Json | undefined,
  ctx: Context,
) {
  const where = 'sqlite query';
  const skip = rowCountCheckpoint(from, where);
  let reader: { db: Database.Database; own: boolean };
  let rows: IterableIterator<unknown[]>;
  let build: ReturnType<typeof rowReader>;
  try {
    reader = readerFor(connection);
  } catch (error) {
    throw sqliteError(error, where);
  }
  try {
    try {
      const stmt = reader.db.prepare(config.query);
      if (!stmt.reader) {
        throw sqlErrors.fail('SQL_ERROR', 'the query returns no rows: a query source needs a SELECT', { where });
      }
      stmt.raw(true).safeIntegers(config.safeIntegers);
      build = rowReader(stmt);
      const params: Record<string, null | number | string> = {};
      for (const [k, v] of Object.entries(config.params)) params[k] = toSqlValue(v);
      rows = stmt.iterate(params) as IterableIterator<unknown[]>;
    } catch (error) {
      throw sqliteError(error, where);
    }
    const pages = queryPager({ skip, pageSize: config.pageSize, signal: ctx.signal, where });
    try {
      for (const row of rows) {
        const page = pages.add(row, build);
        if (page) yield page;
      }
    } catch (error) {
      throw sqliteError(error, where);
    } finally {
      rows.return?.();
    }
    const rest = pages.rest();
    if (rest) yield rest;
  } finally {
    if (reader.own) reader.db.close();
  }
}

export const querySource = defineSource<QuerySourceConfig, SqliteConnection>({
  type: 'query',
  description: 'Streams the rows of a SELECT in pages; resuming re-runs the query and skips the rows already read.',
  config: querySourceConfig,
  read: ({ config, connection, from }, ctx) => readQuery(config, connection, from, ctx),
});
