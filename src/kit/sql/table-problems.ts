import type { DestinationProblem } from '../../sdk/destination.js';
import type { TableOperation } from './table-destination-config.js';

/** The settings of a SQL table destination that `validate --connect` checks against its table. */
export interface CheckedTableConfig {
  readonly operation: TableOperation;
  readonly key?: readonly string[] | undefined;
  readonly columns?: readonly string[] | undefined;
  readonly createTable: boolean;
}

/** A table as the server describes it. */
export interface TableColumns {
  /** As the server resolved it, for messages: `public.orders`. */
  readonly name: string;
  readonly columns: readonly string[];
}

const listed = (columns: readonly string[]) =>
  columns.length > 12 ? `${columns.slice(0, 12).join(', ')}, … (${columns.length} in all)` : columns.join(', ');

/**
 * What `validate --connect` finds wrong with a SQL table destination before a run: the table does not
 * exist (fine when the destination creates it, `createTable: true`), or lacks a key column or a column
 * the records fill (`columns:`, else the fields the flow's last map writes). `missing` names the
 * table and the server when it does not exist.
 */
export function tableProblems(
  config: CheckedTableConfig,
  table: TableColumns | undefined,
  args: { readonly missing: string; readonly fields?: readonly string[] | undefined },
): DestinationProblem[] {
  if (table === undefined) {
    if (config.createTable) return [];
    return [
      {
        field: 'table',
        message: `table ${args.missing} does not exist`,
        hint: 'Create the table, correct `table:` (and `schema:`), or set `createTable: true` to create it from the first batch.',
      },
    ];
  }
  const has = new Set(table.columns);
  const problems: DestinationProblem[] = [];
  const lacks = (column: string) => `table ${table.name} has no column ${column}; columns: ${listed(table.columns)}`;
  for (const column of config.key ?? []) {
    if (has.has(column)) continue;
    problems.push({
      field: 'key',
      message: lacks(column),
      hint: `Key on a column of the table, or add the column ${column} to it.`,
      candidates: table.columns,
    });
  }
  const keys = new Set(config.key ?? []);
  // a delete uses the key only: the records' other fields are no columns it needs
  const written = config.operation === 'delete' ? [] : (config.columns ?? args.fields ?? []);
  for (const column of written) {
    if (has.has(column) || keys.has(column)) continue;
    problems.push({
      field: config.columns ? 'columns' : 'table',
      message: `${lacks(column)} (${config.columns ? 'listed in columns:' : "a field the flow's last map writes"})`,
      hint: config.columns
        ? `Remove ${column} from \`columns:\`, correct its name, or add the column to the table.`
        : `Rename the map's field ${column} to a column of the table, list the columns to write in \`columns:\`, or add the column to the table.`,
      candidates: table.columns,
    });
  }
  return problems;
}
