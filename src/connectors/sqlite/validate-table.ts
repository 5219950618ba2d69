import { type TableDestinationConfig, tableProblems } from '../../kit/index.js';
import type { DestinationProblem, ValidateArgs } from '../../sdk/index.js';
import type { SqliteConnection } from './connection.js';
import { sqliteError } from './sqlite-errors.js';

/** `validate --connect`: the destination's table exists and has its key columns and the columns the records fill. */
export async function validateTable({
  config,
  connection,
  fields,
}: ValidateArgs<TableDestinationConfig, SqliteConnection>): Promise<DestinationProblem[]> {
  let columns: string[];
  try {
    columns = connection.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all(config.table) as string[];
  } catch (error) {
    throw sqliteError(error, `sqlite table ${config.table}`);
  }
  return tableProblems(config, columns.length === 0 ? undefined : { name: config.table, columns }, {
    missing: `${config.table} in ${connection.file}`,
    fields,
  });
}
