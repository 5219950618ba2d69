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
import { encoding, malformedRecord, pageSize, parseTextCheckpoint } from './source-options.js';
import { openTextReader, type TextWindow } from './text-reader.js';

export const jsonlSourceConfig = z.object({ path: z.string().min(1), pageSize, encoding }).strict();

export type JsonlSourceConfig = z.infer<typeof jsonlSourceConfig>;

async function* readJsonl(config: JsonlSourceConfig, connection: FileConnection, from: Json | undefined, ctx: Context) {
  const file = resolveFilePath(connection, config.path);
  const path = config.path;
  const checkpoint = parseTextCheckpoint(from, path);
  let line = checkpoint?.line ?? 1;
  const reader = openTextReader(file, { start: checkpoint?.offset ?? 0, encoding: config.encoding });
  let records: DataRecord[] = [];
  let failed: Failed[] = [];
  let consumed = 0;
  let last: TextWindow | undefined;
  try {
    for (;;) {
      if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${path} was canceled`, { where: path });
      const window = await reader.read(consumed);
      if (window === undefined) break;
      last = window;
      const { text, final } = window;
      let pos = 0;
      while (pos < text.length) {
        const nl = text.indexOf('\n', pos);
        if (nl < 0 && !final) break;
        const end = nl < 0 ? text.length : nl + 1;
        const raw = text.slice(pos, nl < 0 ? text.length : nl);
        const at = line;
        if (nl >= 0) line++;
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
      yield { records, checkpoint: { offset, line }, ...(failed.length > 0 ? { failed } : {}) } satisfies Page;
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
