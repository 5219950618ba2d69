import { z } from 'zod';
import { FlowError } from '../../sdk/errors.js';
import type { Json } from '../../sdk/json.js';
import { sqlParams } from './sql-params.js';
import { requireTableColumn, type ShownTable } from './table-columns.js';

/**
 * The settings of a keyset-paged table source (`WHERE key > last ORDER BY key LIMIT n`) on a server
 * database; a connector adds its own (PostgreSQL: `schema`).
 */
export const keysetSourceFields = {
  table: z.string().min(1),
  /** Columns to read; default all. */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** SQL condition ANDed to the query, e.g. `status = :status`; named parameters come from `params`. */
  where: z.string().min(1).optional(),
  params: sqlParams.default({}),
  /** Unique, non-null column pages are ordered and resumed by; default the single-column primary key. */
  key: z.string().min(1).optional(),
  pageSize: z.number().int().positive().max(1_000_000).default(1000),
  /** Delta sync: only rows whose cursorField is greater than the watermark (`since`). */
  cursorField: z.string().min(1).optional(),
};

/** What a keyset-paged table source does, for its description. */
export const keysetSourceDescription =
  'Reads a table in key order, page by page (keyset pagination: WHERE key > last ORDER BY key LIMIT n); delta sync on a cursor column; export mode once on a flag column.';

/** The checkpoint of a keyset-paged source: the last key read (a number or text), or nothing. */
export function keyCheckpoint(from: Json | undefined, table: string, where: string): Json | undefined {
  if (from !== undefined && from !== null && typeof from !== 'number' && typeof from !== 'string') {
    throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a key of ${table}`, {
      where,
      hint: 'Run the flow from the start.',
    });
  }
  return from ?? undefined;
}

/** The column to page by: `key:`, else the table's single-column primary key. */
export function pagingKey(
  table: ShownTable & { readonly primaryKey: readonly string[] },
  key: string | undefined,
  where: string,
): string {
  const keyName = key ?? (table.primaryKey.length === 1 ? table.primaryKey[0] : undefined);
  if (keyName === undefined) {
    throw new FlowError('CONFIG_INVALID', `table ${table.shown} has no single-column primary key`, {
      where,
      field: 'key',
      hint: 'Set `key:` to a unique, non-null column to page by.',
    });
  }
  requireTableColumn(table, keyName, 'key', where);
  return keyName;
}

/**
 * Checks the columns a table read names and returns its cursor column: the flow's `delta.field`, else
 * the source's own `cursorField`. A `columns:` list must hold the delta field (the watermark is taken
 * from the rows read).
 */
export function readColumns(
  table: ShownTable,
  config: { readonly columns?: readonly string[] | undefined; readonly cursorField?: string | undefined },
  deltaField: string | undefined,
  where: string,
): string | undefined {
  for (const c of config.columns ?? []) requireTableColumn(table, c, 'a', where);
  const cursorField = deltaField ?? config.cursorField;
  if (cursorField !== undefined) {
    requireTableColumn(table, cursorField, deltaField === undefined ? 'cursorField' : 'delta.field', where);
  }
  if (deltaField !== undefined && config.columns !== undefined && !config.columns.includes(deltaField)) {
    throw new FlowError(
      'CONFIG_INVALID',
      `columns of table ${table.shown} leave out "${deltaField}", the delta.field`,
      {
        where,
        field: 'columns',
        hint: `Add ${deltaField} to columns: the watermark is taken from the rows read.`,
      },
    );
  }
  return cursorField;
}

/** The key of a page's last row, its checkpoint: a number or text, else the key column cannot page. */
export function lastKey(value: Json, keyName: string, table: string, where: string, hint: string): number | string {
  if (typeof value !== 'number' && typeof value !== 'string') {
    throw new FlowError('CONFIG_INVALID', `key column "${keyName}" of ${table} is not a number or text`, {
      where,
      hint,
    });
  }
  return value;
}

/** The ids of the records a destination delivered, for `markExported` (export mode once): the keys as text. */
export function recordIds(records: readonly { readonly meta: { readonly id: string } }[]): string[] {
  return records.map((r) => r.meta.id);
}
