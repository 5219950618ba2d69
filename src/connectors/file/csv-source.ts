import { type Context, createRecord, defineSource, FlowError, type Json } from '../../sdk/index.js';
import { checkCsvHeader } from './check-csv-header.js';
import { type FileConnection, fileError, resolveFilePath } from './connection.js';
import { type RowBuilder, rowBuilder, untypedData } from './csv-row-builder.js';
import {
  createCsvScanner,
  SCAN_EMPTY,
  SCAN_MALFORMED,
  SCAN_MORE,
  SCAN_RECORD,
  type ScanStatus,
} from './csv-scanner.js';
import { type CsvSourceConfig, csvSourceConfig } from './csv-source-config.js';
import { delimiterSetting, guessDelimiter } from './guess-delimiter.js';
import { invalidTextRecord, malformedRecord, parseTextCheckpoint, tooLongRecord } from './source-options.js';
import { pageFull, readTextPages, type WindowScan } from './text-pages.js';
import { invalidBetween } from './text-reader.js';
import { describeColumn } from './typed-columns.js';

export { type CsvSourceConfig, csvSourceConfig };

async function* readCsv(config: CsvSourceConfig, connection: FileConnection, from: Json | undefined, ctx: Context) {
  const file = resolveFilePath(connection, config.path);
  const path = config.path;
  const checkpoint = parseTextCheckpoint(from, path);
  let builder: RowBuilder | undefined;
  const namesFromConfig = config.columnNames;
  let needHeader = config.header && checkpoint === undefined;
  if (!needHeader) {
    const names = checkpoint?.header ?? namesFromConfig;
    if (names === undefined) {
      throw new FlowError('CONFIG_INVALID', `the checkpoint of ${path} has no header and no columnNames are set`, {
        where: path,
        hint: 'Run the flow from the start.',
      });
    }
    builder = rowBuilder(namesFromConfig ?? names, config.columns, path, config.emptyAsNull);
  }
  let header = checkpoint?.header;
  const scanner = createCsvScanner(config);
  const checkText = config.invalidText === 'error' && config.encoding === 'utf8';
  const scan: WindowScan = function* (window, start, state) {
    const { text, final } = window;
    let pos = start;
    for (;;) {
      let status: ScanStatus = scanner.scan(text, pos, final);
      if (status === SCAN_MORE || scanner.end - pos > config.maxLineLength) {
        if (text.length - pos <= config.maxLineLength) break;
        state.failed.push(tooLongRecord(text.slice(pos, pos + 65_536), path, state.line, config.maxLineLength));
        if (status !== SCAN_MORE) {
          // read whole (the window happened to hold it): skip exactly that record
          state.line += scanner.lines;
          pos = scanner.end;
          continue;
        }
        const nl = text.indexOf('\n', pos);
        if (nl >= 0) {
          // a quoted record over several lines: its first line is the error, reading goes on after it
          state.line += 1;
          pos = nl + 1;
          continue;
        }
        state.skipping = true;
        pos = text.length;
        break;
      }
      const at = state.line;
      state.line += scanner.lines;
      const bad = checkText ? invalidBetween(window, pos, scanner.end) : undefined;
      if (bad !== undefined) {
        if (needHeader) {
          throw new FlowError('CONFIG_INVALID', `the header of ${path} holds bytes that are not valid UTF-8`, {
            where: `${path}:${at}`,
            hint: "Set `encoding:` to the file's real encoding (latin1 for most older exports), or `invalidText: replace`.",
          });
        }
        state.failed.push(invalidTextRecord(text.slice(pos, scanner.end), path, at, window.byteAt(bad.index)));
        pos = scanner.end;
        continue;
      }
      if (status === SCAN_EMPTY) {
        if (config.skipEmptyLines) {
          pos = scanner.end;
          continue;
        }
        scanner.fields = [''];
        status = SCAN_RECORD;
      }
      const resync = resyncAt(text, pos, scanner.end, status === SCAN_MALFORMED, builder, scanner.fields);
      if (resync !== undefined) {
        // a broken record that runs over several lines (an unterminated quote) would swallow the good
        // lines after it: only its first line is malformed, and reading goes on from the next one
        state.failed.push(
          malformedRecord(
            text.slice(pos, resync),
            path,
            at,
            firstLineProblem(status === SCAN_MALFORMED, scanner, builder),
          ),
        );
        state.line = at + 1;
        pos = resync;
        continue;
      }
      if (status === SCAN_MALFORMED) {
        state.failed.push(malformedRecord(text.slice(pos, scanner.end), path, at, scanner.error));
      } else if (needHeader) {
        header = scanner.fields;
        const guessed = guessDelimiter(header, config.delimiter);
        if (guessed !== undefined) {
          throw new FlowError(
            'CONFIG_INVALID',
            `the header of ${path} is one column "${(header[0] ?? '').slice(0, 80)}": the file seems to be delimited by ${JSON.stringify(guessed)}, not ${JSON.stringify(config.delimiter)}`,
            {
              where: `${path}:${at}`,
              field: 'delimiter',
              hint: `Set \`${delimiterSetting(guessed)}\` on the source.`,
            },
          );
        }
        builder = rowBuilder(namesFromConfig ?? header, config.columns, path, config.emptyAsNull);
        needHeader = false;
      } else if (builder !== undefined) {
        const fields = scanner.fields;
        const expected = builder.names.length;
        const meta = { id: `line:${at}`, position: `${path}:${at}` };
        if (fields.length !== expected) {
          state.failed.push(
            malformedRecord(
              text.slice(pos, scanner.end),
              path,
              at,
              `expected ${expected} fields, found ${fields.length}${delimiterNote(fields, config.delimiter)}`,
            ),
          );
        } else {
          const data = builder.build(fields);
          if (data !== undefined) {
            state.records.push(createRecord(data, meta));
          } else {
            const bad = builder.bad;
            state.failed.push({
              record: createRecord(untypedData(builder.names, fields), meta),
              error: new FlowError(
                'RECORD_BAD_VALUE',
                `column "${bad.column}" is ${JSON.stringify(bad.value)}, not ${describeColumn(bad.spec)}`,
                { where: meta.position, field: bad.column },
              ),
            });
          }
        }
      }
      pos = scanner.end;
      if (pageFull(state, config.pageSize)) yield pos;
    }
    return pos;
  };
  yield* readTextPages(
    {
      file,
      path,
      checkpoint,
      encoding: config.encoding,
      readError: (error) => fileError(error, path, 'read'),
      extra: () => (header ? { header } : {}),
    },
    ctx,
    scan,
  );
}

export const csvSource = defineSource<CsvSourceConfig, FileConnection>({
  type: 'csv',
  description: 'Reads a CSV file as a stream of pages; resumes at the byte offset of its checkpoint.',
  config: csvSourceConfig,
  read: ({ config, connection, from }, ctx) => readCsv(config, connection, from, ctx),
  validate: checkCsvHeader,
});

/**
 * Where to go on after a malformed record that spans several lines: just after its first line (so an
 * unterminated quote costs one line, not every line up to the next quote). Undefined when the record
 * is well-formed or on one line.
 */
function resyncAt(
  text: string,
  pos: number,
  end: number,
  malformed: boolean,
  builder: { names: readonly string[] } | undefined,
  fields: readonly string[],
): number | undefined {
  const wrongCount = builder !== undefined && fields.length !== builder.names.length;
  if (!malformed && !wrongCount) return undefined;
  const nl = text.indexOf('\n', pos);
  return nl >= 0 && nl + 1 < end ? nl + 1 : undefined;
}

function firstLineProblem(
  malformed: boolean,
  scanner: { error: string },
  builder: { names: readonly string[] } | undefined,
): string {
  return malformed
    ? scanner.error
    : `a quoted field does not close on this line, so the record does not have ${builder?.names.length ?? 'the expected'} fields`;
}

/** A note for a line of one field that another delimiter would split. */
function delimiterNote(fields: readonly string[], configured: string): string {
  const guessed = guessDelimiter(fields, configured);
  return guessed === undefined
    ? ''
    : ` (the line seems to be delimited by ${JSON.stringify(guessed)}: set ${delimiterSetting(guessed)})`;
}
