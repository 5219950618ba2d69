import { z } from 'zod';
import { requireKey, tableDestinationFields } from '../../kit/index.js';

/** The configuration of the `postgres.table` destination, read by the destination and by its validation. */
export const tableDestinationConfig = requireKey(
  z
    .object({
      ...tableDestinationFields,
      /** Schema of the table; default: the connection's search_path. */
      schema: z.string().min(1).optional(),
      /** copy: stage each batch with COPY (fast); insert: with multi-row INSERTs (for servers without COPY). */
      mode: z.enum(['copy', 'insert']).default('copy'),
    })
    .strict(),
);

export type TableDestinationConfig = z.infer<typeof tableDestinationConfig>;
