import { requireTableColumn, type ShownTable, sqlErrors } from '../../kit/index.js';
import type { MysqlConnection } from './connection.js';
import { type ColumnKind, columnKind, quoteIdent, sqlLiteral } from './sql-values.js';

export interface TableInfo {
  readonly table: string;
  /** Columns in table order with how they take values. */
  readonly columns: ReadonlyMap<string, ColumnKind>;
  /** Primary key columns (in column order). */
  readonly primaryKey: readonly string[];
}

/** Reads a table's columns from information_schema; a missing table fails with SQL_ERROR (or returns undefined). */
export async function tableInfo(
  connection: MysqlConnection,
  table: string,
  options: { required: boolean } = { required: true },
): Promise<TableInfo | undefined> {
  const where = `${connection.target} table ${quoteIdent(table)}`;
  const rows = await connection.query<{ name: string; type: string; pk: string }[]>(
    'SELECT COLUMN_NAME AS name, DATA_TYPE AS type, COLUMN_KEY AS pk FROM information_schema.COLUMNS ' +
      `WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ${sqlLiteral(table)} ORDER BY ORDINAL_POSITION`,
    where,
  );
  if (rows.length === 0) {
    if (!options.required) return undefined;
    throw sqlErrors.fail('SQL_ERROR', `table ${quoteIdent(table)} does not exist in ${connection.target}`, {
      where,
      hint: 'Create the table or correct its name (tables are looked up in the connection’s database).',
    });
  }
  return {
    table,
    columns: new Map(rows.map((r) => [r.name, columnKind(r.type)])),
    primaryKey: rows.filter((r) => r.pk === 'PRI').map((r) => r.name),
  };
}

/** A column must exist in the table: SQL_ERROR naming it otherwise. */
/** The table as the kit's column checks see it: shown quoted, as in SQL. */
export function shownTable(info: TableInfo): ShownTable & { readonly primaryKey: readonly string[] } {
  return { shown: quoteIdent(info.table), columns: info.columns, primaryKey: info.primaryKey };
}

export function requireColumn(info: TableInfo, column: string, role: string, where: string): void {
  requireTableColumn(shownTable(info), column, role, where);
}
