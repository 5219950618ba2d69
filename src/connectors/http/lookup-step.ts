import { z } from 'zod';
import {
  type CachedRow,
  type Context,
  type DataRecord,
  defineStep,
  type Failed,
  FlowError,
  type Json,
  LookupCache,
  lookupCacheConfig,
  withData,
} from '../../sdk/index.js';
import type { HttpConnection } from './connection.js';
import { statusError } from './http-errors.js';
import { readJson } from './read-json.js';
import { recordsOf } from './response-records.js';
import { resolveUrl, sendRequest, withQuery } from './send-request.js';
import { compilePath, compileTemplate, type Getter } from './template.js';

export const httpLookupConfig = z
  .object({
    /** The `http` connection to ask. */
    connection: z.string().min(1),
    /** Templated with the record: `/contacts/{{customer.email}}` or `/contacts` with `query`. */
    path: z.string().min(1),
    query: z.record(z.string(), z.string()).default({}),
    /** The lookup key of a record (template): records with the same key share one answer and one cache entry. */
    key: z.string().min(1),
    /** Where the answer's record(s) are (dot path; default the whole answer). The first one is used. */
    recordsPath: z.string().optional(),
    /** Output field → path in the found record. */
    fields: z.record(z.string().min(1), z.string().min(1)).refine((f) => Object.keys(f).length > 0, 'name a field'),
    /** Nothing found (404, empty answer): fail the record (RECORD_NOT_FOUND), drop it, or set the fields to null. */
    onMissing: z.enum(['error', 'skip', 'null']).default('error'),
    cache: lookupCacheConfig.optional(),
    /** Requests in flight at once for one page (the connection's rate limit still applies). */
    concurrency: z.number().int().positive().default(4),
    /**
     * Batched: one request per `size` keys, the keys joined into query parameter `param`; `match`
     * is the path in each answered record holding its key.
     */
    batch: z
      .object({
        param: z.string().min(1),
        separator: z.string().default(','),
        match: z.string().min(1),
        size: z.number().int().positive().default(100),
      })
      .strict()
      .optional(),
  })
  .strict();

export type HttpLookupConfig = z.infer<typeof httpLookupConfig>;

/** Enriches records with fields of a record the API returns for their key: per key or batched, cached. */
export const httpLookupStep = defineStep<HttpLookupConfig>({
  type: 'lookup',
  description:
    'Enriches records with fields from an HTTP API answer for each record key (or one batched request per page), cached.',
  config: httpLookupConfig,
  create({ config, where, connection }, ctx) {
    const conn = connection as HttpConnection | undefined;
    if (!conn) throw new FlowError('CONFIG_INVALID', `${where}: http.lookup needs an http connection`, { where });
    const keyOf = compileTemplate(config.key);
    const path = compileTemplate(config.path);
    const query = Object.entries(config.query).map(([k, v]) => [k, compileTemplate(v)] as const);
    const recordsGetter = config.recordsPath ? compilePath(config.recordsPath) : undefined;
    const fields = Object.entries(config.fields).map(([out, from]) => [out, compilePath(from)] as [string, Getter]);
    const match = config.batch ? compilePath(config.batch.match) : undefined;
    const cache = LookupCache.from(config.cache, ctx.clock);
    const pick = (found: unknown): CachedRow =>
      Object.fromEntries(fields.map(([out, get]) => [out, (get(found) ?? null) as Json]));
    const itemsOf = (body: Json) => recordsOf(body, config.recordsPath, recordsGetter, () => where);

    const request = async (pathText: string, q: Record<string, string>, c: Context) => {
      const response = await sendRequest(conn, { method: 'GET', url: withQuery(resolveUrl(conn, pathText), q) }, c);
      if (response.status === 404) return null;
      if (!response.ok) throw statusError(response.label, response, 'record');
      return readJson(response, conn.mask.text);
    };

    /** One request per key (the first record with that key fills the templates). */
    const perKey = async (wanted: Map<string, DataRecord>, answers: Map<string, CachedRow | FlowError>, c: Context) => {
      const keys = [...wanted.keys()];
      const worker = async () => {
        for (let key = keys.shift(); key !== undefined; key = keys.shift()) {
          const data = (wanted.get(key) as DataRecord).data;
          try {
            const body = await request(
              path.render(data, encodeURIComponent),
              Object.fromEntries(query.map(([k, t]) => [k, t.render(data)])),
              c,
            );
            const first = body === null ? undefined : itemsOf(body)[0];
            answers.set(key, first === undefined ? null : pick(first));
          } catch (error) {
            if (error instanceof FlowError && error.kind === 'record') answers.set(key, error);
            else throw error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(config.concurrency, keys.length) }, worker));
    };

    /** One request per `size` keys, matched back by `batch.match`. */
    const batched = async (
      wanted: Map<string, DataRecord>,
      answers: Map<string, CachedRow | FlowError>,
      c: Context,
    ) => {
      const b = config.batch as NonNullable<HttpLookupConfig['batch']>;
      const keys = [...wanted.keys()];
      for (let i = 0; i < keys.length; i += b.size) {
        const chunk = keys.slice(i, i + b.size);
        const data = (wanted.get(chunk[0] as string) as DataRecord).data;
        const q = {
          ...Object.fromEntries(query.map(([k, t]) => [k, t.render(data)])),
          [b.param]: chunk.join(b.separator),
        };
        const body = await request(path.render(data, encodeURIComponent), q, c);
        const byKey = new Map<string, unknown>();
        for (const item of body === null ? [] : itemsOf(body)) byKey.set(String((match as Getter)(item)), item);
        for (const key of chunk) answers.set(key, byKey.has(key) ? pick(byKey.get(key)) : null);
      }
    };

    return {
      async process(records, c) {
        const keys = records.map((r) => keyOf.render(r.data));
        const answers = new Map<string, CachedRow | FlowError>();
        const wanted = new Map<string, DataRecord>();
        records.forEach((r, i) => {
          const key = keys[i] as string;
          const hit = cache?.get(key);
          if (hit !== undefined) answers.set(key, hit);
          else if (!wanted.has(key) && !answers.has(key)) wanted.set(key, r);
        });
        c.metrics.increment('lookup_cache_hits', records.length - wanted.size);
        if (wanted.size > 0) await (config.batch ? batched : perKey)(wanted, answers, c);
        for (const key of wanted.keys()) {
          const a = answers.get(key);
          if (a !== undefined && !(a instanceof FlowError)) cache?.set(key, a);
        }
        const out: DataRecord[] = [];
        const failed: Failed[] = [];
        records.forEach((r, i) => {
          const key = keys[i] as string;
          const a = answers.get(key);
          if (a instanceof FlowError)
            failed.push({
              record: r,
              error: new FlowError(a.code, `record ${r.meta.id}: ${a.message}`, { kind: 'record', where }),
            });
          else if (a) out.push(withData(r, { ...r.data, ...a }));
          else if (config.onMissing === 'null') out.push(withData(r, { ...r.data, ...pick(undefined) }));
          else if (config.onMissing === 'error') {
            failed.push({
              record: r,
              error: new FlowError('RECORD_NOT_FOUND', `nothing found for key "${key}" (record ${r.meta.id})`, {
                where,
                hint: 'set onMissing: skip or null to let such records through',
              }),
            });
          }
        });
        return { records: out, failed };
      },
    };
  },
});
