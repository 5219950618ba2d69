import { tableProblems } from '../../kit/index.js';
import type { DestinationProblem, ValidateArgs } from '../../sdk/index.js';
import type { PostgresConnection } from './connection.js';
import { qualifiedName } from './sql-text.js';
import type { TableDestinationConfig } from './table-destination-config.js';
import { tableInfo } from './table-info.js';

/** `validate --connect`: the destination's table exists and has its key columns and the columns the records fill. */
export async function validateTable({
  config,
  connection,
  fields,
}: ValidateArgs<TableDestinationConfig, PostgresConnection>): Promise<DestinationProblem[]> {
  const info = await tableInfo(connection, config.table, config.schema, { required: false });
  return tableProblems(config, info && { name: info.sql, columns: [...info.columns.keys()] }, {
    missing: `${qualifiedName(config.table, config.schema)} in ${connection.target}`,
    fields,
  });
}
