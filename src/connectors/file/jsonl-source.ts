import { z } from 'zod';
import { type Context, createRecord, defineSource, isJsonObject, type Json } from '../../sdk/index.js';
import { type FileConnection, resolveFilePath } from './connection.js';
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
import { pageFull, readTextPages, type WindowScan } from './text-pages.js';
import { invalidBetween } from './text-reader.js';

export const jsonlSourceConfig = z
  .object({ path: z.string().min(1), pageSize, encoding, invalidText, maxLineLength })
  .strict();

export type JsonlSourceConfig = z.infer<typeof jsonlSourceConfig>;

async function* readJsonl(config: JsonlSourceConfig, connection: FileConnection, from: Json | undefined, ctx: Context) {
  const file = resolveFilePath(connection, config.path);
  const path = config.path;
  const checkpoint = parseTextCheckpoint(from, path);
  const checkText = config.invalidText === 'error' && config.encoding === 'utf8';
  const scan: WindowScan = function* (window, start, state) {
    const { text, final } = window;
    let pos = start;
    while (pos < text.length) {
      const nl = text.indexOf('\n', pos);
      const lineEnd = nl < 0 ? text.length : nl;
      if (lineEnd - pos > config.maxLineLength) {
        state.failed.push(tooLongRecord(text.slice(pos, pos + 65_536), path, state.line, config.maxLineLength));
        if (nl < 0 && !final) {
          state.skipping = true;
          pos = text.length;
          break;
        }
        if (nl >= 0) state.line++;
        pos = nl < 0 ? text.length : nl + 1;
        continue;
      }
      if (nl < 0 && !final) break;
      const end = nl < 0 ? text.length : nl + 1;
      const at = state.line;
      if (nl >= 0) state.line++;
      const bad = checkText ? invalidBetween(window, pos, end) : undefined;
      if (bad !== undefined) {
        state.failed.push(invalidTextRecord(text.slice(pos, lineEnd), path, at, window.byteAt(bad.index)));
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
        state.failed.push(malformedRecord(raw, path, at, `invalid JSON (${why})`));
        value = undefined;
      }
      if (value !== undefined) {
        if (isJsonObject(value))
          state.records.push(createRecord(value, { id: `line:${at}`, position: `${path}:${at}` }));
        else state.failed.push(malformedRecord(raw, path, at, 'the line is not a JSON object'));
      }
      if (pageFull(state, config.pageSize)) yield pos;
    }
    return pos;
  };
  yield* readTextPages({ file, path, checkpoint, encoding: config.encoding }, ctx, scan);
}

export const jsonlSource = defineSource<JsonlSourceConfig, FileConnection>({
  type: 'jsonl',
  description: 'Reads a JSON Lines file (one JSON object per line); resumes at the byte offset of its checkpoint.',
  config: jsonlSourceConfig,
  read: ({ config, connection, from }, ctx) => readJsonl(config, connection, from, ctx),
});
