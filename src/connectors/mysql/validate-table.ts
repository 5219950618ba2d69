import { type TableDestinationConfig, tableProblems } from '../../kit/index.js';
import type { DestinationProblem, ValidateArgs } from '../../sdk/index.js';
import type { MysqlConnection } from './connection.js';
import { tableInfo } from './table-info.js';

/** `validate --connect`: the destination's table exists and has its key columns and the columns the records fill. */
export async function validateTable({
  config,
  connection,
  fields,
}: ValidateArgs<TableDestinationConfig, MysqlConnection>): Promise<DestinationProblem[]> {
  const info = await tableInfo(connection, config.table, { required: false });
  return tableProblems(config, info && { name: info.table, columns: [...info.columns.keys()] }, {
    missing: `${config.table} in ${connection.target}`,
    fields,
  });
}
