import { z } from 'zod';
import {
  type Context,
  createRecord,
  type DataRecord,
  defineSource,
  type Failed,
  FlowError,
  isJsonObject,
  type Json,
  type Page,
} from '../../sdk/index.js';
import { type FileConnection, resolveFilePath } from './connection.js';
import { fileSize, progressAt } from './file-progress.js';
import {
  encoding,
  invalidText,
  invalidTextRecord,
  malformedRecord,
  maxLineLength,
  pageSize,
  parseTextCheckpoint,
  tooLongRecord,
} from './source-options.js';
import { invalidBetween, openTextReader, type TextWindow } from './text-reader.js';

export const jsonlSourceConfig = z
  .object({ path: z.string().min(1), pageSize, encoding, invalidText, maxLineLength })
  .strict();

export type JsonlSourceConfig = z.infer<typeof jsonlSourceConfig>;

async function* readJsonl(config: JsonlSourceConfig, connection: FileConnection, from: Json | undefined, ctx: Context) {
  const file = resolveFilePath(connection, config.path);
  const path = config.path;
  const checkpoint = parseTextCheckpoint(from, path);
  let line = checkpoint?.line ?? 1;
  const reader = openTextReader(file, { start: checkpoint?.offset ?? 0, encoding: config.encoding });
  const size = await fileSize(file);
  let records: DataRecord[] = [];
  let failed: Failed[] = [];
  let consumed = 0;
  let last: TextWindow | undefined;
  let skipping = false;
  const checkText = config.invalidText === 'error' && config.encoding === 'utf8';
  try {
    for (;;) {
      if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${path} was canceled`, { where: path });
      const window = await reader.read(consumed);
      if (window === undefined) break;
      last = window;
      const { text, final } = window;
      let pos = 0;
      if (skipping) {
        // the rest of a line too long to read: dropped window by window, never held whole
        const nl = text.indexOf('\n');
        if (nl < 0) {
          consumed = text.length;
          if (final) break;
          continue;
        }
        skipping = false;
        line += 1;
        pos = nl + 1;
      }
      while (pos < text.length) {
        const nl = text.indexOf('\n', pos);
        const lineEnd = nl < 0 ? text.length : nl;
        if (lineEnd - pos > config.maxLineLength) {
          failed.push(tooLongRecord(text.slice(pos, pos + 65_536), path, line, config.maxLineLength));
          if (nl < 0 && !final) {
            skipping = true;
            pos = text.length;
            break;
          }
          if (nl >= 0) line++;
          pos = nl < 0 ? text.length : nl + 1;
          continue;
        }
        if (nl < 0 && !final) break;
        const end = nl < 0 ? text.length : nl + 1;
        const at = line;
        if (nl >= 0) line++;
        const bad = checkText ? invalidBetween(window, pos, end) : undefined;
        if (bad !== undefined) {
          failed.push(invalidTextRecord(text.slice(pos, lineEnd), path, at, window.byteAt(bad.index)));
          pos = end;
          continue;
        }
        const raw = text.slice(pos, lineEnd);
        pos = end;
        if (raw.trim() === '') continue;
        let value: unknown;
        try {
          value = JSON.parse(raw);
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          failed.push(malformedRecord(raw, path, at, `invalid JSON (${why})`));
          value = undefined;
        }
        if (value !== undefined) {
          if (isJsonObject(value)) records.push(createRecord(value, { id: `line:${at}`, position: `${path}:${at}` }));
          else failed.push(malformedRecord(raw, path, at, 'the line is not a JSON object'));
        }
        if (records.length + failed.length >= config.pageSize) {
          const page: Page = {
            records,
            checkpoint: { offset: window.byteAt(pos), line },
            ...progressAt(window.byteAt(pos), size),
            ...(failed.length > 0 ? { failed } : {}),
          };
          records = [];
          failed = [];
          yield page;
        }
      }
      consumed = pos;
      if (final) break;
    }
    if (records.length + failed.length > 0) {
      const offset = last === undefined ? (checkpoint?.offset ?? 0) : last.byteAt(consumed);
      yield {
        records,
        checkpoint: { offset, line },
        ...progressAt(offset, size),
        ...(failed.length > 0 ? { failed } : {}),
      } satisfies Page;
    }
  } finally {
    reader.close();
  }
}

export const jsonlSource = defineSource<JsonlSourceConfig, FileConnection>({
  type: 'jsonl',
  description: 'Reads a JSON Lines file (one JSON object per line); resumes at the byte offset of its checkpoint.',
  config: jsonlSourceConfig,
  read: ({ config, connection, from }, ctx) => readJsonl(config, connection, from, ctx),
});
