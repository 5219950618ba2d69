import type { FieldPacket } from 'mysql2';
import { z } from 'zod';
import {
  keyCheckpoint,
  keysetSourceDescription,
  keysetSourceFields,
  lastKey,
  pagingKey,
  readColumns,
  recordIds,
  sqlErrors,
  sqlParams,
} from '../../kit/index.js';
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
import { shownTable, type TableInfo, tableInfo } from './table-info.js';

/** `params:` of the MySQL sources (named parameters of `where` and `query`). */
export const mysqlParams = sqlParams;

export const tableSourceConfig = z.object(keysetSourceFields).strict();

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
  return { info, keyName: pagingKey(shownTable(info), config.key, where), where };
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
  const { since } = args;
  const where = `${connection.target} table ${quoteIdent(config.table)}`;
  const from = keyCheckpoint(args.from, config.table, where);
  const table = await resolveTable(config, connection);
  const { info, keyName } = table;
  const cursorField = readColumns(shownTable(info), config, args.cursorField, where);
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
  let after: Json | undefined = from;
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
    after = lastKey(
      (rows[rows.length - 1] as unknown[])[0] as Json,
      keyName,
      config.table,
      where,
      'integer, text or date',
    );
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
  description: keysetSourceDescription,
  config: tableSourceConfig,
  read: ({ config, connection, ...args }, ctx) => readTable(config, connection, args, ctx),
  markExported: ({ config, connection, field }, records) => markExported(config, connection, field, recordIds(records)),
});
