import { z } from 'zod';
import { durationSchema, parseDuration } from '../sdk/index.js';

const path = z.string().min(1);

/** `dedupe:` — which records count as repeats, and for how long a key is remembered across runs. */
export const dedupeConfigSchema = z.strictObject({
  /**
   * The field path(s) whose values make a record's key (`order_id`, or `[customer.id, sku]`).
   * Omitted: the whole record, so only exact copies are repeats.
   */
  key: z.union([path, z.array(path).min(1)]).optional(),
  /**
   * Across runs: drop a record whose key passed in the last `window` (`7d`, `12h`), remembered in the
   * state store with the page's checkpoint. Omitted: repeats within one run only.
   */
  window: durationSchema
    .refine(
      (w) => parseDuration(w) !== 0, // a malformed duration is reported by durationSchema already
      'a window longer than 0 (e.g. 7d); omit it to drop repeats within a run only',
    )
    .optional(),
  /** Which record of a key goes on: the first (the only choice; see docs/steps.md#dedupe). */
  keep: z
    .literal('first', {
      error:
        'only `first` is supported: a later repeat cannot replace a record already written. For the newest version of each key, write to an upsert destination (the last write wins) without dedupe',
    })
    .default('first'),
});

export type DedupeConfig = z.infer<typeof dedupeConfigSchema>;
