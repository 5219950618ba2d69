import { z } from 'zod';
import {
  keyCheckpoint,
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
  type DataRecord,
  defineSource,
  FlowError,
  type Json,
  type Page,
  type ReadArgs,
} from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import { copyRowsParser } from './copy-records.js';
import { quoteIdent, sqlLiteral, toInline } from './sql-text.js';
import { type ColumnInfo, shownTable, type TableInfo, tableInfo } from './table-info.js';

/** `params:` of the PostgreSQL sources (named parameters of `where` and `query`). */
export const pgParams = sqlParams;

export const tableSourceConfig = z
  .object({
    ...keysetSourceFields,
    /** Schema of the table; default: the connection's search_path. */
    schema: z.string().min(1).optional(),
  })
  .strict();

export type TableSourceConfig = z.infer<typeof tableSourceConfig>;

/** What `read` is asked besides config and connection. */
type ReadOptions = Pick<ReadArgs<TableSourceConfig, PostgresConnection>, 'from' | 'since' | 'cursorField' | 'once'>;

/** The table, its paging key and where messages point, shared by reading and marking. */
interface ResolvedTable {
  readonly info: TableInfo;
  readonly keyName: string;
  readonly where: string;
}

async function resolveTable(config: TableSourceConfig, connection: PostgresConnection): Promise<ResolvedTable> {
  const info = (await tableInfo(connection, config.table, config.schema)) as TableInfo;
  const where = `${connection.target} table ${info.name}`;
  return { info, keyName: pagingKey(shownTable(info), config.key, where), where };
}

const integerTypes = new Set(['smallint', 'integer', 'bigint']);

/**
 * Export mode once: the flag column must be a boolean (or a 0/1 integer) column of the table. The
 * condition that selects rows not exported yet, and the value that marks a row.
 */
function onceFlag(table: ResolvedTable, field: string): { unmarked: string; marked: string } {
  const { info, where } = table;
  const column = info.columns.get(field);
  const flag = quoteIdent(field);
  const add = `ALTER TABLE ${info.sql} ADD COLUMN ${flag} boolean NOT NULL DEFAULT false`;
  if (column === undefined) {
    throw sqlErrors.fail('SQL_ERROR', `once.field "${field}" is not a column of table ${info.name}`, {
      where,
      field,
      hint: `Add the flag column (${add}) or set once.field to one of: ${[...info.columns.keys()].join(', ')}.`,
    });
  }
  if (column.type === 'boolean') return { unmarked: `${flag} IS NOT TRUE`, marked: 'true' };
  if (integerTypes.has(column.type)) return { unmarked: `(${flag} IS NULL OR ${flag} = 0)`, marked: '1' };
  throw sqlErrors.fail('SQL_ERROR', `once.field "${field}" of table ${info.name} is ${column.type}, not a flag`, {
    where,
    field,
    hint: `Export mode once needs a boolean (or 0/1 integer) column, e.g. ${add}.`,
  });
}

async function* readTable(
  config: TableSourceConfig,
  connection: PostgresConnection,
  args: ReadOptions,
  ctx: Context,
): AsyncGenerator<Page> {
  const { since } = args;
  const table = await resolveTable(config, connection);
  const { info, keyName, where } = table;
  const from = keyCheckpoint(args.from, info.name, where);
  const cursorField = readColumns(shownTable(info), config, args.cursorField, where);
  const key = quoteIdent(keyName);
  const columns = config.columns?.map(quoteIdent).join(', ') ?? `${info.sql}.*`;
  // COPY takes no parameters: values go in as literals of unknown type, resolved like bound parameters
  const conditions = [`${key} IS NOT NULL`];
  if (config.where) conditions.push(`(${toInline(config.where, config.params, where)})`);
  if (cursorField !== undefined && since !== undefined && since !== null) {
    conditions.push(`${quoteIdent(cursorField)} > ${sqlLiteral(since)}`);
  }
  if (args.once) conditions.push(onceFlag(table, args.once.field).unmarked);
  const base = `SELECT ${key}, ${columns} FROM ${info.sql} WHERE ${conditions.join(' AND ')}`;
  const limit = `ORDER BY ${key} LIMIT ${config.pageSize}`;
  // names and types of the columns read, for parsing the COPY text like a query's rows
  const shape = await connection.query(`SELECT ${key}, ${columns} FROM ${info.sql} LIMIT 0`, [], where);
  const parse = copyRowsParser(shape.fields, 1);

  /** One page: `COPY (base AND key > after ORDER BY key LIMIT n) TO STDOUT`, parsed into records. */
  const readPage = async (after: Json | undefined) => {
    const records: DataRecord[] = [];
    let last: Json = null;
    const select = after === undefined ? `${base} ${limit}` : `${base} AND ${key} > ${sqlLiteral(after)} ${limit}`;
    await connection.copyOut(
      select,
      (text) =>
        parse(text, (first, data) => {
          const id = String(first);
          records.push(createRecord(data, { id, position: `${config.table}:${id}` }));
          last = first;
        }),
      where,
    );
    if (records.length > 0)
      lastKey(last, keyName, info.name, where, 'Use a unique integer, text, uuid, date or timestamp column as `key`.');
    return { records, last };
  };

  // the next page is read while this one goes through the steps and destinations
  let next = readPage(from);
  for (;;) {
    if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${info.name} was canceled`, { where });
    const { records, last } = await next;
    if (records.length === 0) return;
    const more = records.length >= config.pageSize;
    if (more) {
      next = readPage(last);
      next.catch(() => undefined);
    }
    yield { records, checkpoint: last };
    if (!more) return;
  }
}

/**
 * Export mode once: sets the flag of the delivered rows in one statement, `key = ANY($1::type[])`
 * with the key column's own type so its index is used. Record ids are the key values as text.
 */
async function markExported(
  config: TableSourceConfig,
  connection: PostgresConnection,
  field: string,
  ids: readonly string[],
): Promise<void> {
  if (ids.length === 0) return;
  const table = await resolveTable(config, connection);
  const { info, keyName, where } = table;
  const { marked } = onceFlag(table, field);
  const keyType = (info.columns.get(keyName) as ColumnInfo).type;
  await connection.query(
    `UPDATE ${info.sql} SET ${quoteIdent(field)} = ${marked} WHERE ${quoteIdent(keyName)} = ANY($1::${keyType}[])`,
    [ids],
    where,
  );
}

export const tableSource = defineSource<TableSourceConfig, PostgresConnection>({
  type: 'table',
  description:
    'Reads a table in key order, page by page (keyset pagination: WHERE key > last ORDER BY key LIMIT n, each page one COPY … TO STDOUT, the next read while this one is processed); delta sync on a cursor column; export mode once on a flag column.',
  config: tableSourceConfig,
  read: ({ config, connection, ...args }, ctx) => readTable(config, connection, args, ctx),
  markExported: ({ config, connection, field }, records) => markExported(config, connection, field, recordIds(records)),
});
