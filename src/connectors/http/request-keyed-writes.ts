import type { KeyedOperation, KeyedWrites } from '../../sdk/index.js';
import type { KeyedRequestConfig, RequestDestinationConfig } from './request-destination-config.js';

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
    // a batch create's `wrap` is no update's or delete's, which go one record a request
    if (out.mode === 'record') delete out.wrap;
    if (operation !== 'insert') {
      // an update or delete answer has no new id to read
      delete out.idPath;
      // the destination's body template describes a created record: an update sends the fields it changes
      if (given.body === undefined) delete out.body;
    }
    return out;
  },
};
