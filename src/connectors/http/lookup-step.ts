import { z } from 'zod';
import {
  type CachedRow,
  checkLookupDefault,
  checkTemplate,
  compileTemplate,
  lookupFetchFields,
  lookupMissingFields,
  lookupProcessor,
  pathReader,
  pathSchema,
  requestJson,
  requestUrl,
  type ScopeReader,
  templateText,
} from '../../kit/index.js';
import { type Context, type DataRecord, defineStep, FlowError, type Json } from '../../sdk/index.js';
import type { HttpConnection } from './connection.js';
import { recordsOf } from './response-records.js';

export const httpLookupConfig = z
  .object({
    /** The `http` connection to ask. */
    connection: z.string().min(1),
    /** Templated with the record: `/contacts/{{customer.email}}` or `/contacts` with `query`. */
    path: z.string().min(1).superRefine(checkTemplate),
    query: z.record(z.string(), templateText).default({}),
    /** The lookup key of a record (template): records with the same key share one answer and one cache entry. */
    key: z.string().min(1).superRefine(checkTemplate),
    /** Where the answer's record(s) are (a path like `data` or `["value"]`; default the whole answer). The first one is used. */
    recordsPath: pathSchema.optional(),
    /** Output field → path in the found record. */
    fields: z.record(z.string().min(1), pathSchema).refine((f) => Object.keys(f).length > 0, 'name a field'),
    /** Nothing found (404, empty answer): see lookupMissingFields. */
    ...lookupMissingFields,
    ...lookupFetchFields,
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
        match: pathSchema,
        size: z.number().int().positive().default(100),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine(checkLookupDefault);

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
    const recordsScopeReader = config.recordsPath ? pathReader(config.recordsPath) : undefined;
    const fields = Object.entries(config.fields).map(([out, from]) => [out, pathReader(from)] as [string, ScopeReader]);
    const match = config.batch ? pathReader(config.batch.match) : undefined;
    const pick = (found: unknown): CachedRow =>
      Object.fromEntries(fields.map(([out, get]) => [out, (get(found) ?? null) as Json]));
    const itemsOf = (body: Json) => recordsOf(body, config.recordsPath, recordsScopeReader, () => where);

    const request = async (pathText: string, q: Record<string, string>, c: Context) =>
      (await requestJson(conn, { method: 'GET', url: requestUrl(conn, pathText, q) }, c, { notFound: 'undefined' })) ??
      null;

    /** One request per key (the first record with that key fills the templates). */
    const perKey = async (
      wanted: ReadonlyMap<string, DataRecord>,
      answers: Map<string, CachedRow | FlowError>,
      c: Context,
    ) => {
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
      wanted: ReadonlyMap<string, DataRecord>,
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
        for (const item of body === null ? [] : itemsOf(body)) byKey.set(String((match as ScopeReader)(item)), item);
        for (const key of chunk) answers.set(key, byKey.has(key) ? pick(byKey.get(key)) : null);
      }
    };

    return lookupProcessor<DataRecord>(
      {
        where,
        type: 'http.lookup',
        connection: { name: config.connection, target: conn.mask.url(conn.baseUrl).replace(/\/$/, '') },
        identity: [
          config.path,
          config.query,
          config.key,
          config.recordsPath ?? null,
          config.fields,
          config.batch ?? null,
        ],
        fields: fields.map(([out]) => out),
        onMissing: config.onMissing,
        default: config.default,
        cache: config.cache,
        timeout: config.timeout,
        keyOf: (record) => ({ key: keyOf.render(record.data), wanted: record }),
        async fetch(wanted, c) {
          const answers = new Map<string, CachedRow | FlowError>();
          await (config.batch ? batched : perKey)(wanted, answers, c);
          return answers;
        },
        notFound: (record, key) =>
          new FlowError('RECORD_NOT_FOUND', `nothing found for key "${key}" (record ${record.meta.id})`, {
            where,
            hint: 'Correct the record, or set onMissing: skip, null or default to let such records through.',
          }),
      },
      ctx,
    );
  },
});
