import type { Connection as CoreConnection, FieldPacket } from 'mysql2';
import { z } from 'zod';
import { queryPager, rowCountCheckpoint, sqlErrors } from '../../kit/index.js';
import { type Context, defineSource, type Json, type JsonObject, type Page } from '../../sdk/index.js';
import type { MysqlConnection } from './connection.js';
import { mysqlError } from './mysql-errors.js';
import { bindNamed } from './named-params.js';
import { toMysqlDatetime } from './sql-values.js';
import { mysqlParams, rowBuilder } from './table-source.js';

export const querySourceConfig = z
  .object({
    /** A SELECT with a stable ORDER BY; named parameters as `:name`; `:since` is the delta watermark. */
    query: z.string().min(1),
    params: mysqlParams.default({}),
    pageSize: z.number().int().positive().max(1_000_000).default(1000),
  })
  .strict();

export type QuerySourceConfig = z.infer<typeof querySourceConfig>;

/** Seconds the server waits for a paused reader before dropping a streaming query (a page may take long downstream). */
const STREAM_WRITE_TIMEOUT = 3600;

async function* readQuery(
  config: QuerySourceConfig,
  connection: MysqlConnection,
  from: Json | undefined,
  since: Json | undefined,
  ctx: Context,
): AsyncGenerator<Page> {
  const where = `${connection.target} query`;
  const skip = rowCountCheckpoint(from, where);
  // A timestamp watermark is given as ISO-8601; the server compares DATETIME text in UTC.
  const watermark = typeof since === 'string' ? toMysqlDatetime(since) : (since ?? null);
  const params: Record<string, Json> = { since: watermark, ...config.params };
  const sql = bindNamed(config.query, params, where);
  const conn = await connection.acquire().catch((error: unknown) => {
    throw mysqlError(error, where);
  });
  let complete = false;
  try {
    await conn.query(`SET SESSION net_write_timeout = ${STREAM_WRITE_TIMEOUT}`);
    let fields: FieldPacket[] = [];
    // The promise wrapper's `connection` is the callback connection, whose queries can stream.
    const core = conn.connection as unknown as CoreConnection;
    const query = core.query({ sql, rowsAsArray: true });
    query.on('fields', (f: FieldPacket[]) => {
      fields = f;
    });
    const stream = query.stream({ highWaterMark: config.pageSize });
    let build: ((row: unknown[]) => JsonObject) | undefined;
    const data = (row: unknown): JsonObject => {
      if (!Array.isArray(row)) {
        throw sqlErrors.fail('SQL_ERROR', `${where}: the statement returns no rows; a query source needs a SELECT`, {
          where,
        });
      }
      build ??= rowBuilder(fields, 0);
      return build(row);
    };
    const pages = queryPager({ skip, pageSize: config.pageSize, signal: ctx.signal, where });
    for await (const row of stream as AsyncIterable<unknown>) {
      const page = pages.add(row, data);
      if (page) yield page;
    }
    const rest = pages.rest();
    if (rest) yield rest;
    await conn.query('SET SESSION net_write_timeout = @@GLOBAL.net_write_timeout');
    complete = true;
  } catch (error) {
    throw mysqlError(error, where);
  } finally {
    // A query left unread (failed, or the consumer stopped early) may still be streaming: drop that connection.
    if (complete) connection.release(conn);
    else conn.destroy();
  }
}

export const querySource = defineSource<QuerySourceConfig, MysqlConnection>({
  type: 'query',
  description: 'Streams the rows of a SELECT in pages; resuming re-runs the query and skips the rows already read.',
  config: querySourceConfig,
  read: ({ config, connection, from, since }, ctx) => readQuery(config, connection, from, since, ctx),
});
