import { z } from 'zod';
import { pathSchema, templateText } from '../../kit/index.js';
import { jsonValue, type KeyedOperation, type KeyedWrites } from '../../sdk/index.js';
import type { RequestDestinationConfig } from './request-destination.js';

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

const blocks = { insert: 'create', update: 'update', delete: 'delete' } as const;

/**
 * The REST conventions an operation follows when its block leaves a key out: create `POST <path>`
 * (the id from `idPath`), update `PATCH <path>/{{key}}` (a 404 rejects the record with
 * RECORD_NOT_FOUND), delete `DELETE <path>/{{key}}` (a 404 or 410 is skipped: already gone).
 */
function conventions(config: RequestDestinationConfig, operation: KeyedOperation, key: string): KeyedRequestConfig {
  const item = `${config.path.replace(/\/+$/, '')}/{{${key}}}`;
  if (operation === 'insert') return { method: 'POST' };
  if (operation === 'update') return { method: 'PATCH', path: item, mode: 'record', notFound: 'reject' };
  return { method: 'DELETE', path: item, mode: 'record', notFound: 'skip' };
}

/** `http.request` as a sync side's destination: the config of one operation, from its block and the conventions. */
export const requestKeyedWrites: KeyedWrites<RequestDestinationConfig> = {
  operations: ['insert', 'update', 'delete'],
  config(config, operation, key) {
    const { create: _c, update: _u, delete: _d, ...base } = config;
    const given = config[blocks[operation]] ?? {};
    const chosen: KeyedRequestConfig = { ...conventions(config, operation, key), ...given };
    const out: RequestDestinationConfig = { ...base, ...chosen };
    if (operation !== 'insert') {
      // an update or delete answer has no new id to read
      delete out.idPath;
      // the destination's body template describes a created record: an update sends the fields it changes
      if (given.body === undefined) delete out.body;
    }
    return out;
  },
};
