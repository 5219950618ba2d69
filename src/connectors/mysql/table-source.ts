import type { FieldPacket } from 'mysql2';
import { z } from 'zod';
import {
  type Context,
  createRecord,
  defineSource,
  FlowError,
  type Json,
  type JsonObject,
  type Page,
} from '../../sdk/index.js';
import type { MysqlConnection } from './connection.js';
import { mysqlError } from './mysql-errors.js';
import { bindNamed } from './named-params.js';
import { quoteIdent, sqlLiteral } from './sql-values.js';
import { requireColumn, tableInfo } from './table-info.js';

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const mysqlParams = z.record(
  z.string().regex(/^[A-Za-z_]\w*$/, 'a parameter name is letters, digits, _'),
  jsonValue,
);

export const tableSourceConfig = z
  .object({
    table: z.string().min(1),
    /** Columns to read; default all. */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** SQL condition ANDed to the query, e.g. `status = :status`; named parameters come from `params`. */
    where: z.string().min(1).optional(),
    params: mysqlParams.default({}),
    /** Unique, non-null column pages are ordered and resumed by; default the single-column primary key. */
    key: z.string().min(1).optional(),
    pageSize: z.number().int().positive().max(1_000_000).default(1000),
    /** Delta sync: only rows whose cursorField is greater than the watermark (`since`). */
    cursorField: z.string().min(1).optional(),
  })
  .strict();

export type TableSourceConfig = z.infer<typeof tableSourceConfig>;

/** Record data from a row read with rowsAsArray, skipping the first `from` columns. */
export function rowBuilder(fields: readonly FieldPacket[], from: number): (row: unknown[]) => JsonObject {
  const names = fields.map((f) => f.name);
  return (row) => {
    const data: JsonObject = {};
    for (let i = from; i < names.length; i++) data[names[i] as string] = (row[i] ?? null) as Json;
    return data;
  };
}

async function* readTable(
  config: TableSourceConfig,
  connection: MysqlConnection,
  from: Json | undefined,
  since: Json | undefined,
  ctx: Context,
): AsyncGenerator<Page> {
  const where = `${connection.target} table ${quoteIdent(config.table)}`;
  if (from !== undefined && from !== null && typeof from !== 'number' && typeof from !== 'string') {
    throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a key of ${config.table}`, {
      where,
      hint: 'Run the flow from the start.',
    });
  }
  const info = await tableInfo(connection, config.table);
  if (info === undefined) return;
  const keyName = config.key ?? (info.primaryKey.length === 1 ? info.primaryKey[0] : undefined);
  if (keyName === undefined) {
    throw new FlowError('CONFIG_INVALID', `table ${quoteIdent(config.table)} has no single-column primary key`, {
      where,
      field: 'key',
      hint: 'Set `key:` to a unique, non-null column to page by.',
    });
  }
  requireColumn(info, keyName, 'key', where);
  for (const c of config.columns ?? []) requireColumn(info, c, 'a', where);
  if (config.cursorField !== undefined) requireColumn(info, config.cursorField, 'cursorField', where);
  const keyKind = info.columns.get(keyName);
  const key = quoteIdent(keyName);
  const columns = config.columns?.map(quoteIdent).join(', ') ?? `${quoteIdent(config.table)}.*`;
  const conditions = [`${key} IS NOT NULL`];
  if (config.where) conditions.push(`(${bindNamed(config.where, config.params, where)})`);
  if (config.cursorField !== undefined && since !== undefined && since !== null) {
    conditions.push(`${quoteIdent(config.cursorField)} > ${sqlLiteral(since, info.columns.get(config.cursorField))}`);
  }
  const base = `SELECT ${key}, ${columns} FROM ${quoteIdent(config.table)} WHERE ${conditions.join(' AND ')}`;
  let after: Json | undefined = from ?? undefined;
  let build: ((row: unknown[]) => JsonObject) | undefined;
  for (;;) {
    if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${config.table} was canceled`, { where });
    const sql = `${base}${after === undefined ? '' : ` AND ${key} > ${sqlLiteral(after, keyKind)}`} ORDER BY ${key} LIMIT ${config.pageSize}`;
    let rows: unknown[][];
    const conn = await connection.acquire().catch((error: unknown) => {
      throw mysqlError(error, where);
    });
    try {
      const [result, fields] = await conn.query({ sql, rowsAsArray: true });
      rows = result as unknown[][];
      build ??= rowBuilder(fields, 1);
      connection.release(conn);
    } catch (error) {
      connection.release(conn, error);
      throw mysqlError(error, where);
    }
    if (rows.length === 0) return;
    const records = rows.map((row) => {
      const id = String(row[0]);
      return createRecord((build as (row: unknown[]) => JsonObject)(row), { id, position: `${config.table}:${id}` });
    });
    after = (rows[rows.length - 1] as unknown[])[0] as Json;
    if (typeof after !== 'number' && typeof after !== 'string') {
      throw new FlowError('CONFIG_INVALID', `key column "${keyName}" of ${config.table} is not a number or text`, {
        where,
        hint: 'Use a unique integer, text or date column as `key`.',
      });
    }
    yield { records, checkpoint: after };
    if (rows.length < config.pageSize) return;
  }
}

export const tableSource = defineSource<TableSourceConfig, MysqlConnection>({
  type: 'table',
  description: 'Reads a table in key order, page by page (keyset pagination: WHERE key > last ORDER BY key LIMIT n).',
  config: tableSourceConfig,
  read: ({ config, connection, from, since }, ctx) => readTable(config, connection, from, since, ctx),
});
