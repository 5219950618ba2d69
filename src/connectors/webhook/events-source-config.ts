import { z } from 'zod';
import { pathSchema } from '../../kit/index.js';
import { durationSchema } from '../../sdk/index.js';

/** The configuration of the `webhook.events` source, read by the source and by the receiver it opens. */
export const eventsSourceConfig = z
  .object({
    /** Micro-batches: a run starts when `size` events wait, or `maxWait` after the first one arrived. */
    batch: z
      .object({
        size: z.number().int().min(1).max(10_000).default(100),
        maxWait: durationSchema.default('1s'),
      })
      .strict()
      .default({ size: 100, maxWait: '1s' }),
    /** Path in the body of the sender's event id, when it is not in a header (e.g. `id`). */
    eventIdPath: pathSchema.optional(),
    /** How long handled events stay in the store (and their ids are remembered for dedupe). */
    retention: durationSchema.default('7d'),
  })
  .strict();

export type EventsSourceConfig = z.infer<typeof eventsSourceConfig>;
