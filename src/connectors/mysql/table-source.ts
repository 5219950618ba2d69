import type { FieldPacket } from 'mysql2';
import { z } from 'zod';
import { sqlErrors } from '../../kit/index.js';
import {
  type Context,
  createRecord,
  defineSource,
  FlowError,
  type Json,
  type JsonObject,
  type Page,
  type ReadArgs,
} from '../../sdk/index.js';
import type { MysqlConnection } from './connection.js';
import { mysqlError } from './mysql-errors.js';
import { bindNamed } from './named-params.js';
import { quoteIdent, sqlLiteral } from './sql-values.js';
import { requireColumn, type TableInfo, tableInfo } from './table-info.js';

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

/** What `read` is asked besides config and connection. */
type ReadOptions = Pick<ReadArgs<TableSourceConfig, MysqlConnection>, 'from' | 'since' | 'cursorField' | 'once'>;

/** The table, its paging key and where messages point, shared by reading and marking. */
interface ResolvedTable {
  readonly info: TableInfo;
  readonly keyName: string;
  readonly where: string;
}

async function resolveTable(config: TableSourceConfig, connection: MysqlConnection): Promise<ResolvedTable> {
  const where = `${connection.target} table ${quoteIdent(config.table)}`;
  const info = (await tableInfo(connection, config.table)) as TableInfo;
  const keyName = config.key ?? (info.primaryKey.length === 1 ? info.primaryKey[0] : undefined);
  if (keyName === undefined) {
    throw new FlowError('CONFIG_INVALID', `table ${quoteIdent(config.table)} has no single-column primary key`, {
      where,
      field: 'key',
      hint: 'Set `key:` to a unique, non-null column to page by.',
    });
  }
  requireColumn(info, keyName, 'key', where);
  return { info, keyName, where };
}

/** Export mode once: the flag column (BOOLEAN, i.e. TINYINT(1), or another 0/1 column) must exist. */
function requireFlag(table: ResolvedTable, field: string): string {
  const { info, where } = table;
  const flag = quoteIdent(field);
  if (!info.columns.has(field)) {
    throw sqlErrors.fail('SQL_ERROR', `once.field "${field}" is not a column of table ${quoteIdent(info.table)}`, {
      where,
      field,
      hint: `Add the flag column (ALTER TABLE ${quoteIdent(info.table)} ADD COLUMN ${flag} BOOLEAN NOT NULL DEFAULT 0) or set once.field to one of: ${[...info.columns.keys()].join(', ')}.`,
    });
  }
  return flag;
}

async function* readTable(
  config: TableSourceConfig,
  connection: MysqlConnection,
  args: ReadOptions,
  ctx: Context,
): AsyncGenerator<Page> {
  const { from, since } = args;
  const where = `${connection.target} table ${quoteIdent(config.table)}`;
  if (from !== undefined && from !== null && typeof from !== 'number' && typeof from !== 'string') {
    throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a key of ${config.table}`, {
      where,
      hint: 'Run the flow from the start.',
    });
  }
  const table = await resolveTable(config, connection);
  const { info, keyName } = table;
  for (const c of config.columns ?? []) requireColumn(info, c, 'a', where);
  // The flow's delta.field wins over the source's own cursorField.
  const cursorField = args.cursorField ?? config.cursorField;
  if (cursorField !== undefined) {
    requireColumn(info, cursorField, args.cursorField === undefined ? 'cursorField' : 'delta.field', where);
  }
  if (args.cursorField !== undefined && config.columns !== undefined && !config.columns.includes(args.cursorField)) {
    throw new FlowError(
      'CONFIG_INVALID',
      `columns of table ${quoteIdent(config.table)} leave out "${args.cursorField}", the delta.field`,
      {
        where,
        field: 'columns',
        hint: `Add ${args.cursorField} to columns: the watermark is taken from the rows read.`,
      },
    );
  }
  const keyKind = info.columns.get(keyName);
  const key = quoteIdent(keyName);
  const columns = config.columns?.map(quoteIdent).join(', ') ?? `${quoteIdent(config.table)}.*`;
  const conditions = [`${key} IS NOT NULL`];
  if (config.where) conditions.push(`(${bindNamed(config.where, config.params, where)})`);
  if (cursorField !== undefined && since !== undefined && since !== null) {
    conditions.push(`${quoteIdent(cursorField)} > ${sqlLiteral(since, info.columns.get(cursorField))}`);
  }
  if (args.once) {
    const flag = requireFlag(table, args.once.field);
    conditions.push(`(${flag} IS NULL OR ${flag} = 0)`);
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

/** Keys per UPDATE of markExported: small enough for any max_allowed_packet, few statements per page. */
const MARK_CHUNK = 1000;

/**
 * Export mode once: sets the flag of the delivered rows, `UPDATE … WHERE key IN (…)` with up to
 * MARK_CHUNK keys per statement, each escaped as a literal of the key column's kind (integers
 * unquoted, so the key index is used). Record ids are the key values as text.
 */
async function markExported(
  config: TableSourceConfig,
  connection: MysqlConnection,
  field: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const table = await resolveTable(config, connection);
  const flag = requireFlag(table, field);
  const keyKind = table.info.columns.get(table.keyName);
  for (let i = 0; i < ids.length; i += MARK_CHUNK) {
    const keys = ids.slice(i, i + MARK_CHUNK).map((id) => sqlLiteral(id, keyKind));
    await connection.query(
      `UPDATE ${quoteIdent(config.table)} SET ${flag} = 1 WHERE ${quoteIdent(table.keyName)} IN (${keys.join(', ')})`,
      table.where,
    );
  }
}

export const tableSource = defineSource<TableSourceConfig, MysqlConnection>({
  type: 'table',
  description:
    'Reads a table in key order, page by page (keyset pagination: WHERE key > last ORDER BY key LIMIT n); delta sync on a cursor column; export mode once on a flag column.',
  config: tableSourceConfig,
  read: ({ config, connection, ...args }, ctx) => readTable(config, connection, args, ctx),
  markExported: ({ config, connection, field }, records) =>
    markExported(
      config,
      connection,
      field,
      records.map((r) => r.meta.id),
    ),
});
