import { existsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import type { Context, SourceProblem } from '../../sdk/index.js';
import { fileConnectionConfig, openFileConnection, resolveFilePath } from './connection.js';
import { createCsvScanner, SCAN_RECORD } from './csv-scanner.js';
import type { CsvSourceConfig } from './csv-source-config.js';
import { delimiterSetting, guessDelimiter } from './guess-delimiter.js';

/** At most this much of a file is read for its header line. */
const HEADER_BYTES = 64 * 1024;

/** The first line of a file (without BOM and line break), 'missing' when it does not exist, or undefined when it cannot be read. */
async function firstLine(file: string): Promise<string | 'missing' | undefined> {
  // a cheap look first: validating thousands of flows whose files do not exist yet opens none of them
  if (!existsSync(file)) return 'missing';
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    return (error as { code?: unknown }).code === 'ENOENT' ? 'missing' : undefined;
  }
  try {
    const buffer = Buffer.alloc(HEADER_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, HEADER_BYTES, 0);
    const text = buffer.toString('utf8', 0, bytesRead).replace(/^\uFEFF/, '');
    const end = text.search(/\r?\n/);
    return end < 0 ? text : text.slice(0, end);
  } finally {
    await handle.close();
  }
}

/**
 * `syncline validate` for a `file.csv` source whose file exists: reads only its header line and
 * reports each typed column (`columns:`) it does not name, with the delimiter the header seems to
 * use when it is one column. A missing file is a warning: a flow before it may write it.
 */
export async function checkCsvHeader(
  args: { readonly config: CsvSourceConfig; readonly connectionConfig: unknown },
  ctx: Context,
): Promise<readonly SourceProblem[]> {
  const { config } = args;
  const typed = Object.keys(config.columns);
  const settings = fileConnectionConfig.safeParse(args.connectionConfig);
  if (!settings.success) return [];
  const file = resolveFilePath(openFileConnection(settings.data, ctx), config.path);
  const line = await firstLine(file);
  if (line === 'missing') {
    return [
      {
        field: 'path',
        message: `${file} does not exist`,
        hint: 'Fine when a flow or job before this one writes it; otherwise correct `path:` (relative to the connection `dir`).',
        warning: true,
      },
    ];
  }
  if (!config.header || config.columnNames !== undefined || typed.length === 0) return [];
  if (line === undefined || line === '') return [];
  const scanner = createCsvScanner({ delimiter: config.delimiter, quote: config.quote, trim: config.trim });
  if (scanner.scan(`${line}\n`, 0, true) !== SCAN_RECORD) return [];
  const header = scanner.fields;
  const guessed = guessDelimiter(header, config.delimiter);
  const problems: SourceProblem[] = [];
  for (const column of typed) {
    if (header.includes(column)) continue;
    problems.push({
      field: `columns.${column}`,
      message: `typed column "${column}" is not in the header of ${file} (${header.join(', ').slice(0, 200)})`,
      hint:
        guessed === undefined
          ? 'Correct the column name under `columns:`; names are case-sensitive.'
          : `The header is one column: the file seems to be delimited by ${JSON.stringify(guessed)}; set \`${delimiterSetting(guessed)}\` on the source.`,
      ...(guessed === undefined ? { candidates: header } : {}),
    });
  }
  return problems;
}
