import { z } from 'zod';
import { checkLookupDefault, lookupMissingFields } from '../kit/index.js';

const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/** `lookup:` — a static table (inline rows or a CSV file) to enrich records from. */
export const lookupConfigSchema = z
  .strictObject({
    /** The rows, inline: `[{ code: DE, name: Germany }, …]`. */
    table: z.array(z.record(z.string(), cell)).min(1).optional(),
    /** Or a CSV file with a header row (relative to the flow file's folder). */
    file: z.string().min(1).optional(),
    /** Table column → record field path: a row matches when every pair is equal (compared as text). */
    match: z.record(z.string().min(1), z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'name a column'),
    /** Output field → table column, copied from the matched row. */
    fields: z.record(z.string().min(1), z.string().min(1)).refine((m) => Object.keys(m).length > 0, 'name a field'),
    /** No matching row: fail the record (RECORD_NOT_FOUND), drop it, set the fields to null, or to `default`. */
    ...lookupMissingFields,
  })
  .refine((c) => (c.table === undefined) !== (c.file === undefined), {
    message: 'give the rows inline with `table:` or a CSV with `file:` (one of them)',
  })
  .superRefine(checkLookupDefault);

export type LookupConfig = z.infer<typeof lookupConfigSchema>;
