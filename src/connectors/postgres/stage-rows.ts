import { finished } from 'node:stream/promises';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { keyId } from '../../kit/index.js';
import type { Json } from '../../sdk/index.js';
import { copyField } from './copy-text.js';
import { quoteIdent } from './sql-text.js';
import type { TableInfo } from './table-info.js';
import { ROW } from './write-sql.js';

/** How a record value becomes a column's input text (COPY field or bound parameter). */
export type FieldWriter = (value: Json | undefined) => string | null;

/** One converter per target column: arrays → array literals for array columns, booleans → 1/0 for numeric ones. */
export function fieldWriter(info: TableInfo, column: string): FieldWriter {
  const c = info.columns.get(column);
  const isArray = c?.isArray ?? false;
  const numeric = c !== undefined && /^(smallint|integer|bigint|numeric|real|double precision)$/.test(c.type);
  return (value) => {
    if (value === null || value === undefined) return null;
    if (typeof value === 'boolean' && numeric) return value ? '1' : '0';
    return copyField(value, isArray);
  };
}

/** A record ready to stage: its batch index, column set and the COPY line (fields, then the row number). */
export interface StagedRow {
  readonly index: number;
  readonly id: string;
  readonly columns: readonly string[];
  readonly columnsId: string;
  /**
   * The COPY text line (`\N` for NULL): `f1\tf2\t…\tindex\n` for the staging table, or `f1\tf2\t…\n`
   * when the rows are copied straight into the target (insert).
   */
  readonly line: string;
}

/** Statements sent with the COPY in one query string (one round trip), and where their command tags go. */
export interface CopyAround {
  readonly before?: string;
  readonly after?: string;
  /** Filled with the command tag of every statement (`COPY 1000`, `INSERT 0 998`, …). */
  readonly tags?: string[];
}

/**
 * Fills `table` with `rows` by COPY … FROM STDIN (text format): the staging table with the row numbers,
 * or (`direct`) the target itself, from lines planned without them. Returns the number of rows copied.
 * With `around`, the statements before and after the COPY go in the same query string: an error in
 * any of them fails the call (the rest is skipped by the server).
 */
export async function copyRows(
  client: pg.PoolClient,
  table: string,
  rows: readonly StagedRow[],
  direct = false,
  around: CopyAround = {},
): Promise<number> {
  const names = (rows[0] as StagedRow).columns.map(quoteIdent);
  const columns = (direct ? names : [...names, ROW]).join(', ');
  const copy = `COPY ${table} (${columns}) FROM STDIN`;
  const text = [around.before, copy, around.after].filter((t) => t !== undefined && t !== '').join('; ');
  const stream = client.query(copyFrom(text));
  const tags = around.tags;
  if (tags) {
    // pg-copy-streams keeps the COPY's count only: see every statement's tag on the way
    const query = stream as unknown as { handleCommandComplete(msg: { text?: string }): void };
    const own = query.handleCommandComplete.bind(query);
    query.handleCommandComplete = (msg) => {
      if (msg.text !== undefined) tags.push(msg.text);
      own(msg);
    };
  }
  let chunk = '';
  for (const row of rows) {
    chunk += row.line;
    if (chunk.length >= 1 << 16) {
      if (!stream.write(chunk)) await new Promise((resolve) => stream.once('drain', resolve));
      chunk = '';
    }
  }
  stream.end(chunk);
  await finished(stream);
  return stream.rowCount;
}

/** Parses a COPY line back into parameter values (for mode: insert): `\N` → null, escapes undone. */
function lineValues(line: string): (string | null)[] {
  return line
    .slice(0, -1)
    .split('\t')
    .map((f) =>
      f === '\\N'
        ? null
        : f.replace(/\\([\\ntr])/g, (_, ch: string) =>
            ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === 'r' ? '\r' : '\\',
          ),
    );
}

/**
 * Inserts `rows` into the target one `INSERT … RETURNING key` each (their key is the database's, e.g. a
 * serial or identity column), and returns each row's key as its id. A line planned for the staging
 * table ends with the row number: only the columns' fields are bound.
 */
export async function insertReturning(
  client: pg.PoolClient,
  table: string,
  rows: readonly StagedRow[],
  key: readonly string[],
): Promise<(string | undefined)[]> {
  const names = (rows[0] as StagedRow).columns.map(quoteIdent);
  const returning = key.map(quoteIdent).join(', ');
  const text =
    names.length === 0
      ? `INSERT INTO ${table} DEFAULT VALUES RETURNING ${returning}`
      : `INSERT INTO ${table} (${names.join(', ')}) VALUES (${names.map((_, i) => `$${i + 1}`).join(', ')}) RETURNING ${returning}`;
  const ids: (string | undefined)[] = [];
  for (const row of rows) {
    const values = names.length === 0 ? [] : lineValues(row.line).slice(0, names.length);
    const result = await client.query<Record<string, Json>>({ text, values });
    ids.push(keyId(result.rows[0] ?? {}, key));
  }
  return ids;
}

/** Fills the staging table with multi-row `INSERT … VALUES ($1, …)` statements, all values bound. */
export async function insertRows(client: pg.PoolClient, staging: string, rows: readonly StagedRow[]): Promise<number> {
  const names = [...(rows[0] as StagedRow).columns.map(quoteIdent), ROW];
  const width = names.length;
  const perStatement = Math.max(1, Math.floor(65_535 / width));
  for (let start = 0; start < rows.length; start += perStatement) {
    const chunk = rows.slice(start, start + perStatement);
    const values: (string | null)[] = [];
    const tuples: string[] = [];
    for (const row of chunk) {
      const base = values.length;
      values.push(...lineValues(row.line));
      tuples.push(`(${names.map((_, i) => `$${base + i + 1}`).join(', ')})`);
    }
    await client.query({ text: `INSERT INTO ${staging} (${names.join(', ')}) VALUES ${tuples.join(', ')}`, values });
  }
  return rows.length;
}
