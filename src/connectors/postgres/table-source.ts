import { z } from 'zod';
import { type Context, createRecord, defineSource, FlowError, type Json, type Page } from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import { rowBuilder, toJson } from './pg-values.js';
import { quoteIdent, toParam, toPositional } from './sql-text.js';
import { requireColumn, tableInfo } from './table-info.js';

const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);

export const pgParams = z.record(
  z.string().regex(/^[A-Za-z_]\w*$/, 'a parameter name is letters, digits, _'),
  jsonValue,
);

export const tableSourceConfig = z
  .object({
    table: z.string().min(1),
    /** Schema of the table; default: the connection's search_path. */
    schema: z.string().min(1).optional(),
    /** Columns to read; default all. */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** SQL condition ANDed to the query, e.g. `status = :status`; named parameters come from `params`. */
    where: z.string().min(1).optional(),
    params: pgParams.default({}),
    /** Unique, non-null column pages are ordered and resumed by; default the single-column primary key. */
    key: z.string().min(1).optional(),
    pageSize: z.number().int().positive().max(1_000_000).default(1000),
    /** Delta sync: only rows whose cursorField is greater than the watermark (`since`). */
    cursorField: z.string().min(1).optional(),
  })
  .strict();

export type TableSourceConfig = z.infer<typeof tableSourceConfig>;

async function* readTable(
  config: TableSourceConfig,
  connection: PostgresConnection,
  from: Json | undefined,
  since: Json | undefined,
  ctx: Context,
): AsyncGenerator<Page> {
  const info = await tableInfo(connection, config.table, config.schema);
  if (info === undefined) return;
  const where = `${connection.target} table ${info.name}`;
  if (from !== undefined && from !== null && typeof from !== 'number' && typeof from !== 'string') {
    throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a key of ${info.name}`, {
      where,
      hint: 'Run the flow from the start.',
    });
  }
  const keyName = config.key ?? (info.primaryKey.length === 1 ? info.primaryKey[0] : undefined);
  if (keyName === undefined) {
    throw new FlowError('CONFIG_INVALID', `table ${info.name} has no single-column primary key`, {
      where,
      field: 'key',
      hint: 'Set `key:` to a unique, non-null column to page by.',
    });
  }
  requireColumn(info, keyName, 'key', where);
  for (const c of config.columns ?? []) requireColumn(info, c, 'a', where);
  if (config.cursorField !== undefined) requireColumn(info, config.cursorField, 'cursorField', where);
  const key = quoteIdent(keyName);
  const columns = config.columns?.map(quoteIdent).join(', ') ?? `${info.sql}.*`;
  const conditions = [`${key} IS NOT NULL`];
  const values: unknown[] = [];
  if (config.where) {
    const bound = toPositional(config.where, config.params, where);
    conditions.push(`(${bound.text})`);
    values.push(...bound.values);
  }
  if (config.cursorField !== undefined && since !== undefined && since !== null) {
    values.push(toParam(since));
    conditions.push(`${quoteIdent(config.cursorField)} > $${values.length}`);
  }
  const base = `SELECT ${key}, ${columns} FROM ${info.sql} WHERE ${conditions.join(' AND ')}`;
  const limit = `ORDER BY ${key} LIMIT ${config.pageSize}`;
  const first = `${base} ${limit}`;
  const next = `${base} AND ${key} > $${values.length + 1} ${limit}`;
  let after: Json | undefined = from ?? undefined;
  let build: ReturnType<typeof rowBuilder> | undefined;
  for (;;) {
    if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${info.name} was canceled`, { where });
    const result = await connection.query(
      after === undefined ? first : next,
      after === undefined ? values : [...values, after],
      where,
    );
    const rows = result.rows;
    if (rows.length === 0) return;
    build ??= rowBuilder(
      result.fields.map((f) => f.name),
      1,
    );
    const records = rows.map((row) => {
      const id = String(toJson(row[0]));
      return createRecord((build as ReturnType<typeof rowBuilder>)(row), { id, position: `${config.table}:${id}` });
    });
    after = toJson((rows[rows.length - 1] as unknown[])[0]);
    if (typeof after !== 'number' && typeof after !== 'string') {
      throw new FlowError('CONFIG_INVALID', `key column "${keyName}" of ${info.name} is not a number or text`, {
        where,
        hint: 'Use a unique integer, text, uuid, date or timestamp column as `key`.',
      });
    }
    yield { records, checkpoint: after };
    if (rows.length < config.pageSize) return;
  }
}

export const tableSource = defineSource<TableSourceConfig, PostgresConnection>({
  type: 'table',
  description: 'Reads a table in key order, page by page (keyset pagination: WHERE key > last ORDER BY key LIMIT n).',
  config: tableSourceConfig,
  read: ({ config, connection, from, since }, ctx) => readTable(config, connection, from, since, ctx),
});
