import { z } from 'zod';
import { type DataRecord, defineDestination, type Writer } from '../../sdk/index.js';
import { type FileConnection, resolveFilePath } from './connection.js';
import { openFileSink } from './file-sink.js';

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

export const jsonDestination = defineDestination<JsonDestinationConfig, FileConnection>({
  type: 'json',
  description: 'Writes records as one JSON array, streamed: `[`, the elements, `]` (temporary file renamed on close).',
  config: jsonDestinationConfig,
  async open({ config, connection }) {
    const sink = openFileSink(resolveFilePath(connection, config.path), 'overwrite', config.path);
    let first = true;
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
