import { z } from 'zod';
import { type DataRecord, defineDestination, type Writer } from '../../sdk/index.js';
import { type FileConnection, resolveFilePath } from './connection.js';
import { openFileSink } from './file-sink.js';

export const jsonlDestinationConfig = z
  .object({
    path: z.string().min(1),
    mode: z.enum(['overwrite', 'append']).default('overwrite'),
  })
  .strict();

export type JsonlDestinationConfig = z.infer<typeof jsonlDestinationConfig>;

export const jsonlDestination = defineDestination<JsonlDestinationConfig, FileConnection>({
  type: 'jsonl',
  description: 'Writes one JSON object per line (overwrite via a temporary file renamed on close, or append).',
  config: jsonlDestinationConfig,
  async open({ config, connection, partial }) {
    // a retry adds its records: in overwrite mode, replacing the file would drop the run's others
    const mode = partial ? 'append' : config.mode;
    const sink = openFileSink(resolveFilePath(connection, config.path), mode, config.path);
    const writer: Writer = {
      async write(records: readonly DataRecord[]) {
        let text = '';
        for (const r of records) text += `${JSON.stringify(r.data)}\n`;
        if (text !== '') await sink.write(text);
        return { rejected: [], written: records.length };
      },
      close: () => sink.close(),
      abort: () => sink.abort(),
    };
    return writer;
  },
});
