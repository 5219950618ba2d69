import { type CreateTableDialect, type TableOperation, valueKinds } from '../../kit/index.js';
import type { Json } from '../../sdk/index.js';
import { quoteIdent } from './sql-text.js';
import type { TableInfo } from './table-info.js';

/** The staging table's row-number column: the index of the record in the written batch. */
export const ROW = '__syncline_row';

/**
 * `CREATE TEMP TABLE … ON COMMIT DELETE ROWS AS SELECT <target columns>, row FROM target WITH NO DATA`:
 * the target's column types without its constraints, emptied by every commit, created once per session.
 */
export function stagingSql(staging: string, info: TableInfo): string {
  const columns = [...info.columns.keys()].map(quoteIdent).join(', ');
  return `CREATE TEMP TABLE IF NOT EXISTS ${staging} ON COMMIT DELETE ROWS AS SELECT ${columns}, 0::integer AS ${ROW} FROM ${info.sql} WITH NO DATA`;
}

/** A column of the target (`t.c`) or of the new values, cast to text when its type has no equality operator. */
function compared(info: TableInfo, prefix: string, column: string): string {
  const c = `${prefix}.${quoteIdent(column)}`;
  return info.columns.get(column)?.compareAsText ? `${c}::text` : c;
}

/** `(t.a, t.b) IS DISTINCT FROM (s.a, s.b)`: true when any value differs (NULLs compare as values). */
function differs(info: TableInfo, columns: readonly string[], left: string, right: string): string {
  const l = columns.map((c) => compared(info, left, c)).join(', ');
  const r = columns.map((c) => compared(info, right, c)).join(', ');
  return columns.length === 1 ? `${l} IS DISTINCT FROM ${r}` : `ROW(${l}) IS DISTINCT FROM ROW(${r})`;
}

/**
 * The statements that move one staged segment into the target, as one simple-protocol string.
 * insert → `INSERT … SELECT`; upsert → `… ON CONFLICT (key) DO UPDATE SET … WHERE (values differ)`, so
 * unchanged rows are not rewritten; ignore → `… ON CONFLICT (key) DO NOTHING`; update → `UPDATE … FROM
 * staging WHERE key matches AND values differ`, then `SELECT` the row numbers no target row matched;
 * delete → `DELETE … USING staging WHERE key matches` (a key no row has is skipped).
 */
export function applySql(
  operation: TableOperation,
  info: TableInfo,
  staging: string,
  columns: readonly string[],
  key: readonly string[],
): string {
  const keySet = new Set(key);
  const rest = columns.filter((c) => !keySet.has(c));
  const list = columns.map(quoteIdent).join(', ');
  if (operation === 'delete') {
    const match = key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
    return `DELETE FROM ${info.sql} AS t USING ${staging} s WHERE ${match}`;
  }
  if (operation === 'update') {
    const match = key.map((k) => `t.${quoteIdent(k)} = s.${quoteIdent(k)}`).join(' AND ');
    const missing = `SELECT s.${ROW} FROM ${staging} s WHERE NOT EXISTS (SELECT 1 FROM ${info.sql} t WHERE ${match})`;
    if (rest.length === 0) return `SELECT 0 WHERE false; ${missing}`;
    const set = rest.map((c) => `${quoteIdent(c)} = s.${quoteIdent(c)}`).join(', ');
    return `UPDATE ${info.sql} AS t SET ${set} FROM ${staging} s WHERE ${match} AND ${differs(info, rest, 't', 's')}; ${missing}`;
  }
  const insert = `INSERT INTO ${info.sql} AS t (${list}) SELECT ${list} FROM ${staging}`;
  if (operation === 'insert') return insert;
  const target = `ON CONFLICT (${key.map(quoteIdent).join(', ')})`;
  if (operation === 'ignore' || rest.length === 0) return `${insert} ${target} DO NOTHING`;
  const set = rest.map((c) => `${quoteIdent(c)} = EXCLUDED.${quoteIdent(c)}`).join(', ');
  return `${insert} ${target} DO UPDATE SET ${set} WHERE ${differs(info, rest, 't', 'EXCLUDED')}`;
}

/** Rows the apply statement of a folded COPY changed, from its command tag: `INSERT 0 <n>` or `DELETE <n>`. */
export function changedRows(tags: readonly string[]): number {
  for (const tag of tags) {
    if (tag.startsWith('INSERT ')) return Number(tag.split(' ')[2] ?? 0);
    if (tag.startsWith('DELETE ')) return Number(tag.split(' ')[1] ?? 0);
  }
  return 0;
}

function sqlType(values: Iterable<Json | undefined>): string {
  const { text, integer, real, bool, json } = valueKinds(values);
  const kinds = [text, real || integer, json, bool].filter(Boolean).length;
  if (text || kinds > 1) return 'text';
  if (json) return 'jsonb';
  if (real) return 'double precision';
  if (integer) return 'bigint';
  if (bool) return 'boolean';
  return 'text';
}

/** How PostgreSQL's CREATE TABLE (createTable: true) types the columns of a batch. */
export const createTableDialect: CreateTableDialect = { quoteIdent, columnType: sqlType };
