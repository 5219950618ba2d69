import { z } from 'zod';
import type { Json } from '../../sdk/index.js';

/** Any JSON value (request bodies and their templates). */
export const jsonValue: z.ZodType<Json> = z.lazy(() =>
  z.union([z.null(), z.boolean(), z.number(), z.string(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
