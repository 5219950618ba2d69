import { z } from 'zod';
import { pathSchema, templateText } from '../../kit/index.js';
import { jsonValue } from '../../sdk/index.js';
import { httpHeaders } from './connection.js';
import { writeResultsConfig } from './write-results.js';

/** What a 404 or 410 answer means: `reject` (RECORD_NOT_FOUND, the record to the error store) or `skip` (nothing to do). */
export const notFoundConfig = z.enum(['reject', 'skip']);

/**
 * `create:`, `update:`, `delete:` of the `http.request` destination: how a bi-directional sync writes
 * the record set by its key. Each key given replaces the destination's own for that operation.
 */
export const keyedRequestConfig = z
  .object({
    method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']).optional(),
    /** e.g. `/customers/{{id}}`: the record carries the key under the sync side's key field. */
    path: templateText.optional(),
    mode: z.enum(['record', 'batch']).optional(),
    body: jsonValue.optional(),
    query: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).optional(),
    idPath: pathSchema.optional(),
    notFound: notFoundConfig.optional(),
  })
  .strict();

export type KeyedRequestConfig = z.infer<typeof keyedRequestConfig>;

/** The configuration of the `http.request` destination. */
export const requestDestinationConfig = z
  .object({
    method: z.enum(['POST', 'PUT', 'PATCH', 'DELETE']).default('POST'),
    /** Appended to the baseUrl; in record mode `{{field}}` takes the record's value (URL-encoded). */
    path: templateText.default(''),
    /** `record`: one request per record. `batch`: one request per batch with a JSON array body. */
    mode: z.enum(['record', 'batch']).default('record'),
    /** Batch mode: send `{ <wrap>: [...] }` instead of a bare array. */
    wrap: z.string().min(1).optional(),
    /** Body template per record; default the record's data (no body for DELETE). */
    body: jsonValue.optional(),
    query: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).default({}),
    headers: httpHeaders,
    /** Path of the created id in the answer (batch: in each element of the answer's array). */
    idPath: pathSchema.optional(),
    /** Where the answer reports each record's outcome (a 200 can still refuse records): see docs. */
    results: writeResultsConfig.optional(),
    /** Send an idempotency key: `true` = header Idempotency-Key with a hash of the request. */
    idempotencyKey: z
      .union([
        z.literal(true).transform((): { header: string; template?: string } => ({ header: 'idempotency-key' })),
        z
          .object({
            header: z
              .string()
              .min(1)
              .default('Idempotency-Key')
              .transform((h) => h.toLowerCase()),
            /** e.g. `{{order_no}}`; default a stable hash of method, URL and body. */
            template: z.string().min(1).optional(),
          })
          .strict(),
      ])
      .optional(),
    /** Record mode: requests in flight at once (the connection's rateLimit still applies). */
    concurrency: z.number().int().positive().default(4),
    /** What a 404 or 410 answer means; default a rejection like any 4xx (HTTP_REJECTED). */
    notFound: notFoundConfig.optional(),
    /** A bi-directional sync's writes by key (request-keyed-writes.ts): each replaces keys above for its operation. */
    create: keyedRequestConfig.optional(),
    update: keyedRequestConfig.optional(),
    delete: keyedRequestConfig.optional(),
  })
  .strict()
  .refine((c) => c.wrap === undefined || c.mode === 'batch', { message: 'wrap needs mode: batch', path: ['wrap'] })
  .refine((c) => c.idPath === undefined || c.results === undefined, {
    message: 'with `results`, give the id path as results.id instead of idPath',
    path: ['idPath'],
  });

export type RequestDestinationConfig = z.infer<typeof requestDestinationConfig>;
