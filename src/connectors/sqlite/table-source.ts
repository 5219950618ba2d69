import { z } from 'zod';
import { keyCheckpoint, keysetSourceDescription, lastKey, recordIds, sqlParamValue } from '../../kit/index.js';
import { type Context, createRecord, defineSource, FlowError, type Json, type Page } from '../../sdk/index.js';
import type { SqliteConnection } from './connection.js';
import { rowReader } from './row-reader.js';
import { fromSqlValue, quoteIdent, toSqlValue } from './sql-values.js';
import { sqliteError } from './sqlite-errors.js';

export const sqliteParams = z.record(
  z.string().regex(/^\w+$/, 'a parameter name is letters, digits, _'),
  sqlParamValue,
);

export const tableSourceConfig = z
  .object({
    table: z.string().min(1),
    /** Columns to read; default all (`*`). */
    columns: z.array(z.string().min(1)).min(1).optional(),
    /** SQL condition added with AND, e.g. `status = :status`; named parameters come from `params`. */
    where: z.string().min(1).optional(),
    params: sqliteParams.default({}),
    /** Unique, non-null column the pages are ordered and resumed by (keyset pagination). */
    key: z.string().min(1).default('rowid'),
    pageSize: z.number().int().positive().default(1000),
    /** Read integers as 64-bit: those beyond ±2^53 become strings instead of losing precision. */
    safeIntegers: z.boolean().default(false),
  })
  .strict();

export type TableSourceConfig = z.infer<typeof tableSourceConfig>;

function bindParams(params: Record<string, Json>): Record<string, null | number | string> {
  const out: Record<string, null | number | string> = {};
  for (const [k, v] of Object.entries(params)) out[k] = toSqlValue(v);
  return out;
}

async function* readTable(
  config: TableSourceConfig,
  connection: SqliteConnection,
  args: { from?: Json; since?: Json; cursorField?: string; once?: { field: string } },
  ctx: Context,
) {
  const where = `sqlite table ${quoteIdent(config.table)}`;
  const from = keyCheckpoint(args.from, config.table, where);
  const key = quoteIdent(config.key);
  const columns = config.columns?.map(quoteIdent).join(', ') ?? '*';
  const conditions = [`${key} IS NOT NULL`];
  if (config.where) conditions.push(`(${config.where})`);
  const since = args.since === undefined || args.cursorField === undefined ? undefined : toSqlValue(args.since);
  if (since !== undefined) conditions.push(`${quoteIdent(args.cursorField as string)} > :__since`);
  if (args.once) conditions.push(`${quoteIdent(args.once.field)} IS NOT 1`);
  const filter = conditions.join(' AND ');
  const sql = (after: boolean) =>
    `SELECT ${key}, ${columns} FROM ${quoteIdent(config.table)} WHERE ${filter}` +
    `${after ? ` AND ${key} > :__after` : ''} ORDER BY ${key} LIMIT :__limit`;
  let first: ReturnType<SqliteConnection['db']['prepare']>;
  let next: ReturnType<SqliteConnection['db']['prepare']>;
  try {
    first = connection.db.prepare(sql(false)).raw(true).safeIntegers(config.safeIntegers);
    next = connection.db.prepare(sql(true)).raw(true).safeIntegers(config.safeIntegers);
  } catch (error) {
    throw sqliteError(error, where);
  }
  const build = rowReader(first, 1);
  const params = {
    ...bindParams(config.params),
    __limit: config.pageSize,
    ...(since === undefined ? {} : { __since: since }),
  };
  let after: Json | undefined = from;
  for (;;) {
    if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${config.table} was canceled`, { where });
    let rows: unknown[][];
    try {
      rows = (after === undefined ? first.all(params) : next.all({ ...params, __after: after })) as unknown[][];
    } catch (error) {
      throw sqliteError(error, where);
    }
    if (rows.length === 0) return;
    const records = rows.map((row) => {
      const id = String(fromSqlValue(row[0]));
      return createRecord(build(row), { id, position: `${config.table}:${id}` });
    });
    const last = fromSqlValue((rows[rows.length - 1] as unknown[])[0]);
    after = lastKey(
      last,
      config.key,
      config.table,
      where,
      'Use a unique integer or text column as `key` (default rowid).',
    );
    const page: Page = { records, checkpoint: after };
    yield page;
    if (rows.length < config.pageSize) return;
  }
}

/**
 * Export mode once: sets the flag column of the delivered rows, by key, in one statement per 500 keys.
 * Keys come back as the record ids (text): canonical integers are bound as numbers, the rest as text.
 */
async function markExported(config: TableSourceConfig, connection: SqliteConnection, field: string, ids: string[]) {
  const where = `sqlite table ${quoteIdent(config.table)}`;
  try {
    for (let i = 0; i < ids.length; i += 500) {
      const chunk = ids.slice(i, i + 500);
      const sql = `UPDATE ${quoteIdent(config.table)} SET ${quoteIdent(field)} = 1 WHERE ${quoteIdent(config.key)} IN (${chunk.map(() => '?').join(', ')})`;
      connection.db
        .prepare(sql)
        .run(...chunk.map((id) => (String(Number(id)) === id && Number.isSafeInteger(Number(id)) ? Number(id) : id)));
    }
  } catch (error) {
    throw sqliteError(error, where);
  }
}

export const tableSource = defineSource<TableSourceConfig, SqliteConnection>({
  type: 'table',
  description: keysetSourceDescription,
  config: tableSourceConfig,
  read: ({ config, connection, ...args }, ctx) => readTable(config, connection, args, ctx),
  markExported: ({ config, connection, field }, records) => markExported(config, connection, field, recordIds(records)),
});
