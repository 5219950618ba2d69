import { requireTableColumn, type ShownTable, sqlErrors } from '../../kit/index.js';
import type { PostgresConnection } from './connection.js';
import { qualifiedName } from './sql-text.js';

export interface ColumnInfo {
  /** `integer`, `text`, `character varying`, `jsonb`, `integer[]`, … (format_type without modifiers). */
  readonly type: string;
  /** With modifiers, for CREATE TABLE: `character varying(20)`. */
  readonly fullType: string;
  readonly isArray: boolean;
  /** The type has no equality operator (json, xml, geometric types): compare as text. */
  readonly compareAsText: boolean;
}

export interface TableInfo {
  /** `"schema"."table"` as resolved, for SQL. */
  readonly sql: string;
  /** The name the user gave, for messages. */
  readonly name: string;
  readonly columns: ReadonlyMap<string, ColumnInfo>;
  readonly primaryKey: readonly string[];
}

const noEquality = new Set(['json', 'xml', 'point', 'line', 'lseg', 'box', 'path', 'polygon', 'circle']);

/** Reads a table's columns and primary key from pg_catalog; a missing table fails with SQL_ERROR (or returns undefined). */
export async function tableInfo(
  connection: PostgresConnection,
  table: string,
  schema: string | undefined,
  options: { required: boolean } = { required: true },
): Promise<TableInfo | undefined> {
  const name = qualifiedName(table, schema);
  const where = `${connection.target} table ${name}`;
  const result = await connection.query(
    `SELECT a.attname, format_type(a.atttypid, NULL), format_type(a.atttypid, a.atttypmod), t.typcategory = 'A',
       coalesce((SELECT true FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary AND a.attnum = ANY(i.indkey)), false),
       quote_ident(n.nspname) || '.' || quote_ident(c.relname)
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     JOIN pg_type t ON t.oid = a.atttypid
     WHERE c.oid = to_regclass($1) ORDER BY a.attnum`,
    [name],
    where,
  );
  if (result.rows.length === 0) {
    if (!options.required) return undefined;
    throw sqlErrors.fail('SQL_ERROR', `table ${name} does not exist in ${connection.target}`, {
      where,
      hint:
        schema === undefined
          ? 'Create the table, correct its name, or set `schema:` (unqualified names are looked up in the search_path).'
          : 'Create the table or correct its name and schema.',
    });
  }
  const columns = new Map<string, ColumnInfo>();
  const primaryKey: string[] = [];
  for (const [column, type, fullType, isArray, pk] of result.rows as [string, string, string, boolean, boolean][]) {
    columns.set(column, { type, fullType, isArray, compareAsText: noEquality.has(type) });
    if (pk) primaryKey.push(column);
  }
  return { sql: String(result.rows[0]?.[5]), name, columns, primaryKey };
}

/** A column must exist in the table: SQL_ERROR naming it otherwise. */
/** The table as the kit's column checks see it: shown by the name the user gave. */
export function shownTable(info: TableInfo): ShownTable & { readonly primaryKey: readonly string[] } {
  return { shown: info.name, columns: info.columns, primaryKey: info.primaryKey };
}

export function requireColumn(info: TableInfo, column: string, role: string, where: string): void {
  requireTableColumn(shownTable(info), column, role, where);
}
