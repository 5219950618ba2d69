import type Database from 'better-sqlite3';
import type { JsonObject } from '../../sdk/index.js';
import { fromSqlValue } from './sql-values.js';

/** Builds record data from raw row arrays (`stmt.raw(true)`), starting at column `from`. */
export function rowReader(statement: Database.Statement, from = 0): (row: unknown[]) => JsonObject {
  const names = statement.columns().map((c) => c.name);
  const count = names.length;
  return (row) => {
    const data: JsonObject = {};
    for (let i = from; i < count; i++) {
      const v = row[i];
      data[names[i] as string] = typeof v === 'number' || typeof v === 'string' || v === null ? v : fromSqlValue(v);
    }
    return data;
  };
}
