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
  /**
   * An expression that gives a new value as the column's default would (an identity `BY DEFAULT`
   * column's next value, a serial's `nextval(…)`, `gen_random_uuid()`), so that values can be taken
   * ahead of an insert; undefined when there is none the insert may be given (no default, identity
   * `ALWAYS`, a generated column).
   */
  readonly generated?: string;
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
       quote_ident(n.nspname) || '.' || quote_ident(c.relname),
       CASE WHEN a.attgenerated <> '' THEN NULL
         WHEN a.attidentity = 'd' THEN 'nextval(' || quote_literal(pg_get_serial_sequence(quote_ident(n.nspname) || '.' || quote_ident(c.relname), a.attname)) || ')'
         WHEN a.attidentity = '' THEN pg_get_expr(d.adbin, d.adrelid) END
     FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
     JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
     JOIN pg_type t ON t.oid = a.atttypid
     LEFT JOIN pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
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
  type Row = [string, string, string, boolean, boolean, string, string | null];
  for (const [column, type, fullType, isArray, pk, , generated] of result.rows as Row[]) {
    columns.set(column, {
      type,
      fullType,
      isArray,
      compareAsText: noEquality.has(type),
      ...(generated === null ? {} : { generated }),
    });
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
