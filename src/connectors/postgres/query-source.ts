import type pg from 'pg';
import { z } from 'zod';
import { queryRecord, rowCountCheckpoint } from '../../kit/index.js';
import {
  type Context,
  type DataRecord,
  defineSource,
  FlowError,
  type Json,
  type Page,
  type ReadArgs,
} from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import { pgError } from './pg-errors.js';
import { rowBuilder } from './pg-values.js';
import { quoteIdent, toParam, toPositional } from './sql-text.js';
import { pgParams } from './table-source.js';

export const querySourceConfig = z
  .object({
    /** A SELECT with a stable ORDER BY; named parameters as `:name`; `:since` is the delta watermark (or null). */
    query: z.string().min(1),
    params: pgParams.default({}),
    pageSize: z.number().int().positive().max(1_000_000).default(1000),
    /** Delta sync: only rows whose cursorField is greater than the watermark (`since`). */
    cursorField: z.string().min(1).optional(),
  })
  .strict();

export type QuerySourceConfig = z.infer<typeof querySourceConfig>;

const CURSOR = 'syncline_query';

/**
 * The statement to declare the cursor for: the query, filtered by `cursorField > since` when both are
 * given (the flow's `delta.field` wins over the source's own cursorField).
 */
function cursorSql(config: QuerySourceConfig, since: Json | undefined, cursorField: string | undefined, where: string) {
  const params: Record<string, Json> = { since: since ?? null, ...config.params };
  const bound = toPositional(config.query.trim().replace(/;\s*$/, ''), params, where);
  if (cursorField === undefined || since === undefined || since === null) return bound;
  // The subquery keeps its ORDER BY: PostgreSQL does not reorder rows for a plain filter on top.
  return {
    text: `SELECT * FROM (${bound.text}) AS syncline_q WHERE ${quoteIdent(cursorField)} > $${bound.values.length + 1}`,
    values: [...bound.values, toParam(since)],
  };
}

async function* readQuery(
  config: QuerySourceConfig,
  connection: PostgresConnection,
  args: Pick<ReadArgs<QuerySourceConfig, PostgresConnection>, 'from' | 'since' | 'cursorField'>,
  ctx: Context,
): AsyncGenerator<Page> {
  const { from, since } = args;
  const where = `${connection.target} query`;
  const skip = rowCountCheckpoint(from, where);
  const sql = cursorSql(config, since, args.cursorField ?? config.cursorField, where);
  // The client is held for the whole read (a server-side cursor lives in its transaction).
  let client: pg.PoolClient | undefined;
  let failure: unknown;
  let done = false;
  try {
    client = await connection.pool.connect();
    const c = client;
    await c.query('BEGIN');
    await c.query({ text: `DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${sql.text}`, values: sql.values });
    if (skip > 0) await c.query(`MOVE FORWARD ${skip} IN ${CURSOR}`);
    let n = skip;
    let build: ReturnType<typeof rowBuilder> | undefined;
    for (;;) {
      if (ctx.signal.aborted) throw new FlowError('CANCELED', 'reading the query was canceled', { where });
      const result = await c.query({ text: `FETCH FORWARD ${config.pageSize} FROM ${CURSOR}`, rowMode: 'array' });
      if (result.rows.length === 0) break;
      build ??= rowBuilder(
        result.fields.map((f) => f.name),
        0,
      );
      const records: DataRecord[] = [];
      for (const row of result.rows as unknown[][]) {
        n++;
        records.push(queryRecord(build(row), n));
      }
      yield { records, checkpoint: n };
      if (result.rows.length < config.pageSize) break;
    }
    await c.query('COMMIT');
    done = true;
  } catch (error) {
    failure = error;
    throw pgError(error, where);
  } finally {
    if (client !== undefined) {
      // Stopped early: end the transaction (closing the cursor) before the client goes back to the pool.
      if (!done && failure === undefined) await client.query('ROLLBACK').catch((e: unknown) => (failure = e));
      // After a failure the session may be in an unknown state: discard it.
      client.release(failure === undefined ? undefined : new Error('discarded after a failed query'));
    }
  }
}

export const querySource = defineSource<QuerySourceConfig, PostgresConnection>({
  type: 'query',
  description:
    'Streams the rows of a SELECT through a server-side cursor, page by page; resuming re-runs the query and skips the rows already read.',
  config: querySourceConfig,
  read: ({ config, connection, ...args }, ctx) => readQuery(config, connection, args, ctx),
});
