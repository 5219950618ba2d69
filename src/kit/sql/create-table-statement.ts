import type { Json, JsonObject } from '../../sdk/json.js';

/** What CREATE TABLE says differently in each SQL dialect. */
export interface CreateTableDialect {
  quoteIdent(name: string): string;
  /** The column's type from the batch's values ('' for none, as SQLite allows). */
  columnType(values: readonly (Json | undefined)[], isKey: boolean): string;
  /** What a column outside the key adds (MySQL: ` NULL`, as its TIMESTAMP columns would otherwise not be nullable). */
  readonly nullable?: string;
  /** After the column list: table options (MySQL: engine and character set). */
  readonly options?: string;
}

/**
 * `createTable: true`: CREATE TABLE IF NOT EXISTS with the columns of the first batch, each typed from
 * its values, the key columns NOT NULL and the PRIMARY KEY. `table` is the table as SQL (quoted).
 */
export function createTableStatement(
  dialect: CreateTableDialect,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  rows: readonly JsonObject[],
): string {
  const keySet = new Set(key);
  const defs = columns.map((c) => {
    const isKey = keySet.has(c);
    const type = dialect.columnType(
      rows.map((r) => r[c]),
      isKey,
    );
    return `${dialect.quoteIdent(c)}${type === '' ? '' : ` ${type}`}${isKey ? ' NOT NULL' : (dialect.nullable ?? '')}`;
  });
  if (key.length > 0) defs.push(`PRIMARY KEY (${key.map((k) => dialect.quoteIdent(k)).join(', ')})`);
  return `CREATE TABLE IF NOT EXISTS ${table} (${defs.join(', ')})${dialect.options ?? ''}`;
}

/** The columns a created table gets: `columns:`, else every field of the batch, and the key columns. */
export function createdColumns(
  config: { readonly columns?: readonly string[] | undefined; readonly key?: readonly string[] | undefined },
  rows: readonly JsonObject[],
): string[] {
  const seen = new Set<string>(config.columns ?? []);
  if (!config.columns) for (const r of rows) for (const c of Object.keys(r)) seen.add(c);
  for (const k of config.key ?? []) seen.add(k);
  return [...seen];
}
