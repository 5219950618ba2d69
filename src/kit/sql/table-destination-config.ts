import { z } from 'zod';
import { pageMarkersField } from './page-marker.js';

/**
 * How a table destination writes: plain insert, update by key, upsert by key, insert-if-absent, or
 * delete by key (the rows whose key a record carries; a missing row is skipped).
 */
export const tableOperation = z.enum(['insert', 'update', 'upsert', 'ignore', 'delete']);

export type TableOperation = z.infer<typeof tableOperation>;

/**
 * The config every SQL table destination shares (sqlite, mysql, postgres, …), so the same flow-file
 * keys mean the same thing on every database. Connectors extend it with their own keys.
 */
export const tableDestinationFields = {
  table: z.string().min(1),
  operation: tableOperation.default('insert'),
  key: z
    .union([
      z
        .string()
        .min(1)
        .transform((k) => [k]),
      z.array(z.string().min(1)).min(1),
    ])
    .optional(),
  /** Only these columns are written; default: each record's own keys. */
  columns: z.array(z.string().min(1)).min(1).optional(),
  /** Create the table from the first batch when it does not exist. */
  createTable: z.boolean().default(false),
  /** Exactly-once: a marker per batch committed with it (page-marker.ts); default on for insert, `false` turns it off. */
  pageMarkers: pageMarkersField,
};

/** Operations update, upsert, ignore and delete need a key. */
export function requireKey<T extends { operation: TableOperation; key?: string[] | undefined }>(schema: z.ZodType<T>) {
  return schema.refine((c) => c.operation === 'insert' || c.key !== undefined, {
    message: 'operations update, upsert, ignore and delete need key: [column, ...]',
    path: ['key'],
  });
}

export const tableDestinationConfig = requireKey(z.object(tableDestinationFields).strict());

export type TableDestinationConfig = z.infer<typeof tableDestinationConfig>;
