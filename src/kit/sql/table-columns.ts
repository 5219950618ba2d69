import { sqlErrors } from './sql-error-codes.js';

/** A table as a SQL connector read it: the name to show in messages and its columns (by name). */
export interface ShownTable {
  readonly shown: string;
  readonly columns: ReadonlyMap<string, unknown> | ReadonlySet<string>;
}

/** SQL_ERROR naming the columns there are, when `column` (named in the config as `role`) is not one of the table's. */
export function requireTableColumn(table: ShownTable, column: string, role: string, where: string): void {
  if (table.columns.has(column)) return;
  throw sqlErrors.fail('SQL_ERROR', `${role} column "${column}" is not a column of table ${table.shown}`, {
    where,
    field: column,
    hint: `Use one of: ${[...table.columns.keys()].join(', ')}.`,
  });
}
