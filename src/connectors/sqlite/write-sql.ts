import { type CreateTableDialect, type TableOperation, valueKinds } from '../../kit/index.js';
import type { Json } from '../../sdk/index.js';
import { quoteIdent } from './sql-values.js';

/** The table operations (one definition for every SQL connector, in the sdk). */
export type Operation = TableOperation;

/** The statement for one column set, and the order its parameters are bound in. */
export interface WriteSql {
  readonly sql: string;
  readonly order: readonly string[];
}

/** Rows one INSERT binds at most: fewer calls into SQLite, while staying under the 999 parameters every SQLite build allows. */
export function rowsPerInsert(columnCount: number): number {
  return Math.max(1, Math.min(50, Math.floor(999 / Math.max(1, columnCount))));
}

/**
 * insert → INSERT (with `returning`: `… RETURNING key`, the key the database gave the row);
 * delete → DELETE … WHERE key = ?; upsert → INSERT … ON CONFLICT (key) DO UPDATE SET col = excluded.col WHERE a value differs;
 * ignore → INSERT … ON CONFLICT (key) DO NOTHING; update → UPDATE … SET … WHERE key = ?.
 * `columns` are the record's columns (key columns included). An INSERT may take `rows` rows at once
 * (`VALUES (…), (…)`, each bound in `order`); SQLite applies them one after the other, like single rows.
 */
export function writeSql(
  operation: Operation,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  rows = 1,
  returning = false,
): WriteSql {
  const t = quoteIdent(table);
  const match = key.map((k) => `${quoteIdent(k)} = ?`).join(' AND ');
  if (operation === 'delete') return { sql: `DELETE FROM ${t} WHERE ${match}`, order: [...key] };
  const keySet = new Set(key);
  const rest = columns.filter((c) => !keySet.has(c));
  if (operation === 'update') {
    const set = rest.length > 0 ? rest : [key[0] as string];
    return {
      sql: `UPDATE ${t} SET ${set.map((c) => `${quoteIdent(c)} = ?`).join(', ')} WHERE ${match}`,
      order: [...set, ...key],
    };
  }
  const row = `(${columns.map(() => '?').join(', ')})`;
  const insert = `INSERT INTO ${t} (${columns.map(quoteIdent).join(', ')}) VALUES ${Array(rows).fill(row).join(', ')}`;
  if (operation === 'insert') {
    return { sql: returning ? `${insert} RETURNING ${key.map(quoteIdent).join(', ')}` : insert, order: columns };
  }
  const target = `ON CONFLICT (${key.map(quoteIdent).join(', ')})`;
  if (operation === 'ignore' || rest.length === 0) return { sql: `${insert} ${target} DO NOTHING`, order: columns };
  const set = rest.map((c) => `${quoteIdent(c)} = excluded.${quoteIdent(c)}`).join(', ');
  // Rows whose values are all the same are left untouched: no write, and reported as skipped (unchanged).
  const changed = rest.map((c) => `${t}.${quoteIdent(c)} IS NOT excluded.${quoteIdent(c)}`).join(' OR ');
  return { sql: `${insert} ${target} DO UPDATE SET ${set} WHERE ${changed}`, order: columns };
}

function sqlType(values: Iterable<Json | undefined>): string {
  // booleans are stored as 0/1, objects and arrays as JSON text
  const { text, integer, real, bool, json } = valueKinds(values);
  return text || json ? 'TEXT' : real ? 'REAL' : integer || bool ? 'INTEGER' : '';
}

/** How SQLite's CREATE TABLE (createTable: true) types the columns of a batch (no type: no affinity). */
export const createTableDialect: CreateTableDialect = { quoteIdent, columnType: sqlType };
