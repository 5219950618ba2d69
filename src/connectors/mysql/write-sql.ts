import { type CreateTableDialect, createTableStatement, type TableOperation, valueKinds } from '../../kit/index.js';
import type { Json, JsonObject } from '../../sdk/index.js';
import type { ServerInfo } from './connection.js';
import { quoteIdent } from './sql-values.js';

/** The table operations (one definition for every SQL connector, in the sdk). */
export type Operation = TableOperation;

/** The most placeholders a prepared statement may hold; multi-row statements stay under it too. */
export const MAX_PLACEHOLDERS = 65_535;
/** Statements are kept under this size even when max_allowed_packet is larger (bigger buys no speed). */
export const MAX_STATEMENT_BYTES = 8 << 20;

/** How a multi-row INSERT for one column set starts and ends; rows `(…),(…)` go between. */
export interface InsertSql {
  readonly head: string;
  readonly tail: string;
}

/**
 * insert → `INSERT INTO t (…) VALUES`; upsert → `… ON DUPLICATE KEY UPDATE c = VALUES(c)` (MariaDB, MySQL
 * < 8.0.19) or `… AS new ON DUPLICATE KEY UPDATE c = new.c` (MySQL ≥ 8.0.19); ignore → `… ON DUPLICATE
 * KEY UPDATE k = k`, which leaves an existing row alone but, unlike INSERT IGNORE, still fails on
 * every other error (bad values, NULLs, foreign keys).
 */
export function insertSql(
  operation: Exclude<Operation, 'update' | 'delete'>,
  table: string,
  columns: readonly string[],
  key: readonly string[],
  server: Pick<ServerInfo, 'rowAlias'>,
): InsertSql {
  const head = `INSERT INTO ${quoteIdent(table)} (${columns.map(quoteIdent).join(', ')}) VALUES `;
  if (operation === 'insert') return { head, tail: '' };
  const keys = new Set(key);
  const rest = columns.filter((c) => !keys.has(c));
  const first = quoteIdent(key[0] ?? (columns[0] as string));
  if (operation === 'ignore' || rest.length === 0) {
    return { head, tail: ` ON DUPLICATE KEY UPDATE ${first} = ${first}` };
  }
  if (server.rowAlias) {
    const alias = '`syncline_new`';
    const set = rest.map((c) => `${quoteIdent(c)} = ${alias}.${quoteIdent(c)}`).join(', ');
    return { head, tail: ` AS ${alias} ON DUPLICATE KEY UPDATE ${set}` };
  }
  const set = rest.map((c) => `${quoteIdent(c)} = VALUES(${quoteIdent(c)})`).join(', ');
  return { head, tail: ` ON DUPLICATE KEY UPDATE ${set}` };
}

/** `UPDATE t SET a = …, b = … WHERE k = …` from literals by column. */
export function updateSql(
  table: string,
  columns: readonly string[],
  key: readonly string[],
  literal: (column: string) => string,
): string {
  const keys = new Set(key);
  const set = columns.filter((c) => !keys.has(c));
  const assign = (set.length > 0 ? set : [key[0] as string]).map((c) => `${quoteIdent(c)} = ${literal(c)}`);
  return `UPDATE ${quoteIdent(table)} SET ${assign.join(', ')} WHERE ${keyMatch(key, literal)}`;
}

/** `DELETE FROM t WHERE k = …` from the key's literals. */
export function deleteSql(table: string, key: readonly string[], literal: (column: string) => string): string {
  return `DELETE FROM ${quoteIdent(table)} WHERE ${keyMatch(key, literal)}`;
}

function keyMatch(key: readonly string[], literal: (column: string) => string): string {
  return key.map((k) => `${quoteIdent(k)} = ${literal(k)}`).join(' AND ');
}

/**
 * Splits row literals into statements that stay under the byte budget and the placeholder limit.
 * Returns index ranges [start, end) into `rows`.
 */
export function chunkRows(
  rows: readonly string[],
  columnCount: number,
  budgetBytes: number,
): [start: number, end: number][] {
  const maxRows = Math.max(1, Math.floor(MAX_PLACEHOLDERS / Math.max(1, columnCount)));
  const chunks: [number, number][] = [];
  let start = 0;
  let bytes = 0;
  for (let i = 0; i < rows.length; i++) {
    const size = Buffer.byteLength(rows[i] as string) + 1;
    if (i > start && (bytes + size > budgetBytes || i - start >= maxRows)) {
      chunks.push([start, i]);
      start = i;
      bytes = 0;
    }
    bytes += size;
  }
  if (rows.length > start) chunks.push([start, rows.length]);
  return chunks;
}

/** Counts of one INSERT statement from affectedRows and its info (`Records: 3  Duplicates: 1  Warnings: 0`). */
export function insertCounts(
  operation: Exclude<Operation, 'update' | 'delete'>,
  rows: number,
  affected: number,
  info: string,
): { written: number; skipped: number } {
  let written: number;
  if (operation !== 'upsert') written = affected;
  else {
    // Without CLIENT_FOUND_ROWS: 1 per inserted row, 2 per updated row, 0 per unchanged row; Duplicates = updated rows.
    const duplicates = /Duplicates:\s*(\d+)/.exec(info)?.[1];
    if (duplicates !== undefined) written = affected - Number(duplicates);
    else written = rows === 1 ? (affected > 0 ? 1 : 0) : Math.min(rows, affected);
  }
  written = Math.max(0, Math.min(rows, written));
  return { written, skipped: rows - written };
}

function sqlType(values: Iterable<Json | undefined>, isKey: boolean): string {
  const { text, integer, real, bool, json } = valueKinds(values);
  if (text || (json && (integer || real || bool))) return isKey ? 'VARCHAR(255)' : 'TEXT';
  if (json) return 'JSON';
  if (real) return 'DOUBLE';
  if (integer) return 'BIGINT';
  if (bool) return 'BOOLEAN';
  return isKey ? 'VARCHAR(255)' : 'TEXT';
}

const createTable: CreateTableDialect = {
  quoteIdent,
  columnType: sqlType,
  nullable: ' NULL',
  options: ' ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_bin',
};

/** CREATE TABLE IF NOT EXISTS from a batch: types from the values, key as PRIMARY KEY, InnoDB, utf8mb4. */
export function createTableSql(
  table: string,
  columns: readonly string[],
  key: readonly string[],
  rows: readonly JsonObject[],
): string {
  return createTableStatement(createTable, quoteIdent(table), columns, key, rows);
}
