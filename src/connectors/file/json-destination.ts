import { z } from 'zod';
import { type DataRecord, defineDestination, FlowError, type Writer } from '../../sdk/index.js';
import { type FileConnection, resolveFilePath } from './connection.js';
import { type FileSink, openExtendingSink, openFileSink, readExisting } from './file-sink.js';

export const jsonDestinationConfig = z
  .object({
    path: z.string().min(1),
    mode: z
      .enum(['overwrite', 'append'])
      .default('overwrite')
      .refine((m) => m === 'overwrite', {
        message: 'file.json cannot append to a JSON array; use mode: overwrite, or type file.jsonl to append',
      }),
  })
  .strict();

export type JsonDestinationConfig = z.infer<typeof jsonDestinationConfig>;

const isSpace = (byte: number) => byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;

/**
 * Where records can be added to an existing JSON array file: the bytes to keep (up to its last
 * element, without the closing `]`) and whether the array is empty. Undefined when the file is
 * missing or empty; an error when it does not end with `]`.
 */
function arrayEnd(path: string, display: string): Promise<{ keep: number; empty: boolean } | undefined> {
  return readExisting(path, display, async (handle) => {
    const { size } = await handle.stat();
    const length = Math.min(size, 1 << 16);
    const tail = Buffer.alloc(length);
    await handle.read(tail, 0, length, size - length);
    let i = length - 1;
    while (i >= 0 && isSpace(tail[i] as number)) i--;
    if (i < 0 && size === length) return undefined;
    if (tail[i] !== 0x5d) {
      throw new FlowError(
        'ERROR_RECORD_NOT_RETRYABLE',
        `${display} does not end with a JSON array's closing "]": the retried record cannot be added to it`,
        {
          where: display,
          hint: 'Run the flow again to rewrite the file (it is written whole in overwrite mode), or write the file as file.jsonl, which a retry appends to.',
        },
      );
    }
    let j = i - 1;
    while (j >= 0 && isSpace(tail[j] as number)) j--;
    return { keep: size - length + j + 1, empty: tail[j] === 0x5b };
  });
}

export const jsonDestination = defineDestination<JsonDestinationConfig, FileConnection>({
  type: 'json',
  description:
    'Writes records as one JSON array, streamed: `[`, the elements, `]` (temporary file renamed on close); a retry adds to the array.',
  config: jsonDestinationConfig,
  async open({ config, connection, partial }) {
    const file = resolveFilePath(connection, config.path);
    // a retry adds its records to the array the last run wrote, instead of replacing it with them
    const end = partial ? await arrayEnd(file, config.path) : undefined;
    let sink: FileSink;
    let first = true;
    if (end && !end.empty) {
      sink = await openExtendingSink(file, end.keep, config.path);
      first = false;
    } else sink = openFileSink(file, 'overwrite', config.path);
    const writer: Writer = {
      async write(records: readonly DataRecord[]) {
        let text = '';
        for (const r of records) {
          text += `${first ? '[\n' : ',\n'}${JSON.stringify(r.data)}`;
          first = false;
        }
        if (text !== '') await sink.write(text);
        return { rejected: [], written: records.length };
      },
      async close() {
        await sink.write(first ? '[]\n' : '\n]\n').catch(() => undefined);
        await sink.close();
      },
      abort: () => sink.abort(),
    };
    return writer;
  },
});
