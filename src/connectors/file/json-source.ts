import { createReadStream } from 'node:fs';
import { type Duplex, pipeline, Transform } from 'node:stream';
import parserStream from 'stream-json';
import pick from 'stream-json/filters/pick.js';
import streamArray from 'stream-json/streamers/stream-array.js';
import { z } from 'zod';
import { parsePath, pathSchema } from '../../kit/index.js';
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
import { type FileConnection, fileError, resolveFilePath } from './connection.js';
import { fileErrors } from './error-codes.js';
import { fileSize, progressAt } from './file-progress.js';
import { invalidText, pageSize } from './source-options.js';
import { INVALID_MARK, utf8Guard } from './utf8-chunks.js';

/** A path of the project's path language that a streaming parser can follow: no index from the end. */
const streamablePath = pathSchema.refine((path) => {
  const segments = parsePath(path);
  return typeof segments === 'string' || segments.every((s) => typeof s === 'string' || s >= 0);
}, 'an index from the end ([-1]) cannot be streamed: name the array by keys and indexes from the start');

/** The parser's stack matches the path: same depth, and each key or index equal. */
function pathFilter(path: string): (stack: readonly unknown[]) => boolean {
  const parsed = parsePath(path);
  const segments = typeof parsed === 'string' ? [] : parsed.map(String);
  return (stack) => stack.length === segments.length && segments.every((s, i) => String(stack[i]) === s);
}

export const jsonSourceConfig = z
  .object({
    path: z.string().min(1),
    /** Path of the array inside the document, e.g. `data.items` or `["@graph"]`; default: the document is the array. */
    recordsPath: streamablePath.optional(),
    pageSize,
    invalidText,
  })
  .strict();

export type JsonSourceConfig = z.infer<typeof jsonSourceConfig>;

/** Checkpoint: how many array elements were handled; a resumed read skips that many. */
function startIndex(from: unknown, path: string): number {
  if (from === undefined || from === null) return 0;
  const index = (from as { index?: unknown }).index;
  if (typeof index === 'number' && Number.isInteger(index) && index >= 0) return index;
  throw new FlowError('CONFIG_INVALID', `checkpoint ${JSON.stringify(from)} is not a position in ${path}`, {
    where: path,
    hint: 'Run the flow from the start.',
  });
}

/** Strict UTF-8 in front of the JSON parser: invalid bytes become INVALID_MARK (see utf8Guard). */
function guardStream(guard: ReturnType<typeof utf8Guard>): Transform {
  return new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      callback(null, guard.transform(chunk, false));
    },
    flush(callback) {
      const rest = guard.transform(Buffer.alloc(0), true);
      callback(null, rest.length > 0 ? rest : undefined);
    },
  });
}

/** The value with every INVALID_MARK in its strings (and keys) as U+FFFD; whether it held one. */
function replaceMarks(value: Json): { value: Json; found: boolean } {
  const text = JSON.stringify(value);
  if (!text.includes(INVALID_MARK)) return { value, found: false };
  return { value: JSON.parse(text.replaceAll(INVALID_MARK, '\ufffd')) as Json, found: true };
}

/** Passes tokens through, failing when the first one does not open an array. */
function expectArray(what: string): Transform {
  let first = true;
  return new Transform({
    objectMode: true,
    transform(token: { name: string }, _encoding, callback) {
      if (first) {
        first = false;
        if (token.name !== 'startArray') {
          callback(new Error(`${what} is not an array`));
          return;
        }
      }
      callback(null, token);
    },
    flush(callback) {
      callback(first ? new Error(`${what} was not found`) : null);
    },
  });
}

async function* readJson(config: JsonSourceConfig, connection: FileConnection, from: unknown, ctx: Context) {
  const file = resolveFilePath(connection, config.path);
  const path = config.path;
  const skip = startIndex(from, path);
  const what = config.recordsPath === undefined ? 'the top-level value' : `"${config.recordsPath}"`;
  const stages: Duplex[] = [parserStream()];
  if (config.recordsPath !== undefined) stages.push(pick.asStream({ filter: pathFilter(config.recordsPath) }));
  stages.push(expectArray(what), streamArray.asStream());
  const size = await fileSize(file);
  const input = createReadStream(file, { highWaterMark: 1 << 20 });
  const guard = utf8Guard();
  const items = pipeline([input, guardStream(guard), ...stages], () => undefined) as unknown as AsyncIterable<{
    key: number;
    value: Json;
  }>;
  const prefix = config.recordsPath === undefined ? path : `${path}:${config.recordsPath}`;
  let records: DataRecord[] = [];
  let failed: Failed[] = [];
  let index = skip;
  try {
    for await (const { key, value } of items) {
      if (key < skip) continue;
      if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${path} was canceled`, { where: path });
      const meta = { id: `index:${key}`, position: `${prefix}[${key}]` };
      const checked = guard.seen ? replaceMarks(value) : { value, found: false };
      if (checked.found && config.invalidText === 'error') {
        failed.push({
          record: createRecord({ raw: checked.value }, meta),
          error: fileErrors.fail('RECORD_INVALID_TEXT', `element ${key} holds bytes that are not valid UTF-8`, {
            where: meta.position,
            hint: 'Correct the file (JSON must be UTF-8), or set `invalidText: replace` to read such bytes as U+FFFD.',
          }),
        });
      } else if (isJsonObject(checked.value)) records.push(createRecord(checked.value, meta));
      else {
        failed.push({
          record: createRecord({ raw: checked.value }, meta),
          error: new FlowError(
            'RECORD_MALFORMED',
            `element ${key} is not a JSON object: ${JSON.stringify(checked.value).slice(0, 200)}`,
            {
              where: meta.position,
            },
          ),
        });
      }
      index = key + 1;
      if (records.length + failed.length >= config.pageSize) {
        const page: Page = {
          records,
          checkpoint: { index },
          ...progressAt(input.bytesRead, size),
          ...(failed.length > 0 ? { failed } : {}),
        };
        records = [];
        failed = [];
        yield page;
      }
    }
  } catch (error) {
    if (error instanceof FlowError) throw error;
    if ((error as { code?: unknown }).code !== undefined) throw fileError(error, path, 'read');
    const message = error instanceof Error ? error.message : String(error);
    throw new FlowError('RECORD_MALFORMED', `${path} cannot be read as JSON: ${message}`, {
      kind: 'config',
      where: path,
      hint:
        config.recordsPath === undefined
          ? 'The file must hold one JSON array of objects; set `recordsPath` if the array is inside an object.'
          : 'Check the file is valid JSON and `recordsPath` names an array (a path, e.g. data.items).',
      cause: error,
    });
  } finally {
    input.destroy();
  }
  if (records.length + failed.length > 0) {
    yield {
      records,
      checkpoint: { index },
      ...progressAt(size ?? 0, size),
      ...(failed.length > 0 ? { failed } : {}),
    } satisfies Page;
  }
}

export const jsonSource = defineSource<JsonSourceConfig, FileConnection>({
  type: 'json',
  description: 'Streams the objects of a JSON array (top-level or at `recordsPath`) without loading the file whole.',
  config: jsonSourceConfig,
  read: ({ config, connection, from }, ctx) => readJson(config, connection, from, ctx),
});
