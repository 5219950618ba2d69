import { z } from 'zod';
import {
  configuredTableLookup,
  lookupColumns,
  lookupConnection,
  lookupKeyOf,
  requireTableColumn,
  type ShownTable,
  sqlErrors,
  tableLookupConfig,
} from '../../kit/index.js';
import { type Context, defineStep, type Json, type JsonObject } from '../../sdk/index.js';
import type { SqliteConnection } from './connection.js';
import { rowReader } from './row-reader.js';
import { quoteIdent, toSqlValue } from './sql-values.js';
import { sqliteError } from './sqlite-errors.js';

export const sqliteLookupConfig = tableLookupConfig({
  /** An attached database (`main`, `temp`, or an ATTACH name); default: the first holding the table. */
  schema: z.string().min(1).optional(),
});

export type SqliteLookupConfig = z.infer<typeof sqliteLookupConfig>;

/** The table's column names, or undefined when there is no such table. */
function tableColumns(connection: SqliteConnection, table: string, schema: string | undefined): string[] | undefined {
  const rows = (
    schema === undefined
      ? connection.db.prepare('SELECT name FROM pragma_table_info(?)').all(table)
      : connection.db.prepare('SELECT name FROM pragma_table_info(?, ?)').all(table, schema)
  ) as { name: string }[];
  return rows.length === 0 ? undefined : rows.map((r) => r.name);
}

/**
 * `sqlite.lookup` — enriches records with columns of a matching row, one statement per page: the
 * page's keys go in as one JSON array (`WHERE col IN (SELECT +value FROM json_each(?))`), so the
 * statement is prepared once, an index on the match columns is used (a single scan without one),
 * and the values compare with the columns' own affinity.
 */
export const sqliteLookupStep = defineStep<SqliteLookupConfig>({
  type: 'lookup',
  description:
    'Enriches records with columns of a matching table row: one statement per page (the keys as one JSON array), cached.',
  config: sqliteLookupConfig,
  create({ config, where, connection: opened }, ctx: Context) {
    const connection = lookupConnection<SqliteConnection>(opened, where);
    const target = `sqlite ${connection.file}`;
    const shownTable = config.schema === undefined ? config.table : `${config.schema}.${config.table}`;
    let columns: string[] | undefined;
    try {
      columns = tableColumns(connection, config.table, config.schema);
    } catch (error) {
      throw sqliteError(error, target);
    }
    if (columns === undefined) {
      throw sqlErrors.fail('SQL_ERROR', `table ${shownTable} does not exist in ${connection.file}`, {
        where,
        hint: 'Create the table, or correct `table` (and `schema`).',
      });
    }
    const known: ShownTable = { shown: shownTable, columns: new Set(columns) };
    const { matchColumns, outputs, selected } = lookupColumns(config);
    for (const c of matchColumns) requireTableColumn(known, c, 'match', where);
    for (const [, c] of outputs) requireTableColumn(known, c, 'fields', where);
    const table = `${config.schema === undefined ? '' : `${quoteIdent(config.schema)}.`}${quoteIdent(config.table)}`;
    // `+value` has no affinity, so each value compares with the column's own affinity and collation.
    const condition =
      matchColumns.length === 1
        ? `${quoteIdent(matchColumns[0] as string)} IN (SELECT +value FROM json_each(?))`
        : `(${matchColumns.map(quoteIdent).join(', ')}) IN (SELECT ${matchColumns.map((_, i) => `json_extract(value, '$[${i}]')`).join(', ')} FROM json_each(?))`;
    const sql = `SELECT ${selected.map(quoteIdent).join(', ')} FROM ${table} WHERE ${condition}`;
    let statement: ReturnType<typeof connection.db.prepare>;
    try {
      statement = connection.db.prepare(sql).raw(true);
    } catch (error) {
      throw sqliteError(error, `${where}: ${target}`);
    }
    const read = rowReader(statement);

    /** One statement for every key the cache lacks: their values as one JSON array parameter. */
    const fetch = async (wanted: ReadonlyMap<string, Json[]>, runCtx: Context) => {
      const params: unknown[] = [];
      // rows pair back to keys by the text of the values as bound (booleans as 1/0), as lookupKeyOf compares
      const byBound = new Map<string, string[]>();
      for (const [key, values] of wanted) {
        const bound = values.map((v) => toSqlValue(v));
        params.push(bound.length === 1 ? bound[0] : bound);
        const k = lookupKeyOf(bound);
        byBound.set(k, [...(byBound.get(k) ?? []), key]);
      }
      runCtx.metrics.increment('sqlite_lookup_queries');
      let rows: unknown[][];
      try {
        rows = statement.all(JSON.stringify(params)) as unknown[][];
      } catch (error) {
        throw sqliteError(error, target);
      }
      const answers = new Map<string, JsonObject | null>();
      for (const raw of rows) {
        const row = read(raw);
        for (const key of byBound.get(lookupKeyOf(matchColumns.map((c) => row[c] ?? null))) ?? []) {
          if (!answers.has(key)) answers.set(key, row);
        }
      }
      for (const key of wanted.keys()) if (!answers.has(key)) answers.set(key, null);
      return answers;
    };

    return configuredTableLookup(config, { where, type: 'sqlite.lookup', target, table: shownTable, fetch }, ctx);
  },
});
