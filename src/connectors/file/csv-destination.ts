import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import { type DataRecord, defineDestination, type Json, type Writer } from '../../sdk/index.js';
import { type FileConnection, resolveFilePath } from './connection.js';
import { createCsvScanner, SCAN_RECORD } from './csv-scanner.js';
import { openFileSink, readExisting } from './file-sink.js';

export const csvDestinationConfig = z
  .object({
    path: z.string().min(1),
    mode: z.enum(['overwrite', 'append']).default('overwrite'),
    /** Column order; default: the keys of the first record (or the existing header when appending). */
    columns: z.array(z.string().min(1)).min(1).optional(),
    delimiter: z.string().length(1).default(','),
    header: z.boolean().default(true),
  })
  .strict();

export type CsvDestinationConfig = z.infer<typeof csvDestinationConfig>;

/** The header of an existing, non-empty CSV file (undefined when the file is missing or empty). */
function existingHeader(path: string, delimiter: string, display: string): Promise<string[] | undefined> {
  return readExisting(path, display, async (handle) => {
    const buffer = Buffer.alloc(1 << 16);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead === 0) return undefined;
    const text = buffer.toString('utf8', 0, bytesRead).replace(/^\ufeff/, '');
    const scanner = createCsvScanner({ delimiter, quote: '"', trim: false });
    return scanner.scan(text, 0, bytesRead < buffer.length) === SCAN_RECORD ? scanner.fields : undefined;
  });
}

function cell(value: Json | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

export const csvDestination = defineDestination<CsvDestinationConfig, FileConnection>({
  type: 'csv',
  description: 'Writes records as CSV rows (overwrite via a temporary file renamed on close, or append).',
  config: csvDestinationConfig,
  async open({ config, connection, partial }) {
    const file = resolveFilePath(connection, config.path);
    // a retry adds its records: in overwrite mode, replacing the file would drop the run's others
    const mode = partial ? 'append' : config.mode;
    const previous =
      mode === 'append' && config.header ? await existingHeader(file, config.delimiter, config.path) : undefined;
    let columns = config.columns ?? previous;
    let needHeader = config.header && previous === undefined;
    const sink = openFileSink(file, mode, config.path);
    const writer: Writer = {
      async write(records: readonly DataRecord[]) {
        if (records.length === 0) return { rejected: [], written: 0 };
        columns ??= Object.keys((records[0] as DataRecord).data);
        const cols = columns;
        const rows = records.map((r) => cols.map((c) => cell(r.data[c])));
        if (needHeader) {
          rows.unshift(cols);
          needHeader = false;
        }
        await sink.write(stringify(rows, { delimiter: config.delimiter }));
        return { rejected: [], written: records.length };
      },
      async close() {
        if (needHeader && columns !== undefined)
          await sink.write(stringify([columns], { delimiter: config.delimiter }));
        await sink.close();
      },
      abort: () => sink.abort(),
    };
    return writer;
  },
});
