import { z } from 'zod';
import { encoding, invalidText, maxLineLength, pageSize } from './source-options.js';
import { columnSpec } from './typed-columns.js';

/** The configuration of the `file.csv` source, read by the source and by its header check. */
export const csvSourceConfig = z
  .object({
    path: z.string().min(1),
    pageSize,
    encoding,
    invalidText,
    maxLineLength,
    delimiter: z.string().length(1).default(','),
    quote: z.string().length(1).default('"'),
    header: z.boolean().default(true),
    columnNames: z.array(z.string().min(1)).min(1).optional(),
    columns: z.record(z.string(), columnSpec).default({}),
    skipEmptyLines: z.boolean().default(true),
    trim: z.boolean().default(false),
    emptyAsNull: z.boolean().default(true),
  })
  .strict()
  .refine((c) => c.header || c.columnNames !== undefined, {
    message: 'with header: false, name the columns: columnNames: [a, b, c]',
    path: ['columnNames'],
  })
  .refine((c) => c.delimiter !== c.quote, { message: 'delimiter and quote must differ', path: ['quote'] });

export type CsvSourceConfig = z.infer<typeof csvSourceConfig>;
