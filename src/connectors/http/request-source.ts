import { z } from 'zod';
import {
  compileJsonTemplate,
  compileTemplate,
  loopGuard,
  type PageState,
  pathReader,
  pathSchema,
  readJson,
  requestRetry,
  requestUrl,
  sendRequest,
  statusError,
  templateText,
  withoutSecrets,
} from '../../kit/index.js';
import { type Context, defineSource, type Json, jsonValue, type Page } from '../../sdk/index.js';
import { type HttpConnection, httpHeaders } from './connection.js';
import { paginationConfig, pagingOf } from './pagination.js';
import { type RequestCheckpoint, readCheckpoint } from './request-checkpoint.js';
import { recordsOf, toRecords } from './response-records.js';

export const requestSourceConfig = z
  .object({
    method: z.enum(['GET', 'POST', 'PUT', 'PATCH']).default('GET'),
    /** Appended to the connection's baseUrl; `{{page}}`, `{{offset}}`, `{{cursor}}`, `{{since}}` are filled in. */
    path: templateText.default(''),
    query: z.record(z.string().min(1), z.union([z.string(), z.number(), z.boolean()])).default({}),
    headers: httpHeaders,
    /** JSON body (POST searches); strings may hold templates. */
    body: jsonValue.optional(),
    /** Path of the records array in the answer, e.g. `data.items` or `["value"]`; default: the answer itself, an array. */
    recordsPath: pathSchema.optional(),
    /** Path of each record's id, e.g. `id`; default: its position in the stream (1, 2, …). */
    idField: pathSchema.optional(),
    /** Records per page asked for (offset limit, page size). */
    pageSize: z.number().int().positive().optional(),
    /** Delta sync: the query parameter that receives the watermark, e.g. `updated_since`. */
    sinceParam: z.string().min(1).optional(),
    pagination: paginationConfig,
    retry: z
      .object({
        maxAttempts: z.number().int().positive().default(5),
        baseMs: z.number().int().nonnegative().default(500),
        maxMs: z.number().int().nonnegative().default(30_000),
      })
      .strict()
      .default({ maxAttempts: 5, baseMs: 500, maxMs: 30_000 }),
  })
  .strict();

export type RequestSourceConfig = z.infer<typeof requestSourceConfig>;

function isDone(from: Json | undefined): boolean {
  return typeof from === 'object' && from !== null && !Array.isArray(from) && from['done'] === true;
}

async function* readRequests(
  config: RequestSourceConfig,
  connection: HttpConnection,
  from: Json | undefined,
  since: Json | undefined,
  ctx: Context,
): AsyncGenerator<Page> {
  if (isDone(from)) return;
  const p = config.pagination;
  const paging = pagingOf(p, config.pageSize);
  const limit = paging.limit;
  const pathT = compileTemplate(config.path);
  const queryT = Object.entries(config.query).map(([k, v]) => [k, compileTemplate(String(v))] as const);
  const bodyT = config.body === undefined ? undefined : compileJsonTemplate(config.body);
  const getRecords = config.recordsPath ? pathReader(config.recordsPath, 'recordsPath') : undefined;
  const getId = config.idField ? pathReader(config.idField, 'idField') : undefined;
  const sinceText =
    since === undefined || since === null ? undefined : typeof since === 'string' ? since : JSON.stringify(since);
  const attempt = requestRetry(config.retry, ctx);
  const guard = loopGuard(paging, {
    where: connection.label,
    ...(p.type === 'offset' ? { param: p.offsetParam } : p.type === 'page' ? { param: p.pageParam } : {}),
  });

  const build = (state: PageState): RequestCheckpoint => {
    const vars = { ...state, since: sinceText ?? '', checkpoint: sinceText ?? '', limit, pageSize: config.pageSize };
    const query: Record<string, string> = {};
    for (const [k, t] of queryT) query[k] = t.render(vars);
    if (config.sinceParam && sinceText !== undefined) query[config.sinceParam] = sinceText;
    Object.assign(query, paging.query(state));
    const url = requestUrl(connection, pathT.render(vars, encodeURIComponent), query);
    return { method: config.method, url, ...(bodyT ? { body: JSON.stringify(bodyT(vars)) } : {}), state };
  };

  const resumed = from === undefined || from === null ? undefined : readCheckpoint(from, connection.label);
  let request: RequestCheckpoint = resumed ?? build(paging.first);
  let pages = 0;
  for (;;) {
    const current = request;
    guard.request(
      current.method,
      current.url,
      current.body,
      p.type === 'cursor' ? `cursor "${current.state.cursor}"` : `URL ${connection.mask.url(current.url)}`,
    );
    const response = await attempt(async () => {
      const r = await sendRequest(
        connection,
        {
          method: current.method,
          url: current.url,
          ...(current.body === undefined ? {} : { body: current.body }),
          ...(Object.keys(config.headers).length > 0 ? { headers: config.headers } : {}),
        },
        ctx,
      );
      if (!r.ok) throw statusError(r.label, r, 'config');
      return r;
    });
    const body = readJson(response, connection.mask.text);
    guard.answer(response.text, response.label.request, pages + 1);
    const items = recordsOf(
      body,
      config.recordsPath,
      getRecords,
      () => `${connection.label}: ${response.label.request}`,
    );
    const state = current.state;
    const records = toRecords(items, getId, state.read, `${current.method} ${new URL(current.url).pathname}#`);
    pages++;
    const answer = {
      body,
      items,
      headers: response.headers,
      url: response.url,
      request: response.label.request,
      page: pages,
      where: connection.label,
    };
    const after = items.length === 0 && p.stopOnEmpty ? undefined : paging.next(answer, state);
    const next: RequestCheckpoint | undefined =
      after === undefined
        ? undefined
        : after.url !== undefined
          ? {
              method: current.method,
              url: withoutSecrets(connection, after.url),
              ...(current.body === undefined ? {} : { body: current.body }),
              state: after.state,
            }
          : build(after.state);
    const checkpoint: Json = next ? toJson(next) : { done: true };
    if (records.length > 0) yield { records, checkpoint };
    if (!next || (p.maxPages !== undefined && pages >= p.maxPages)) return;
    request = next;
  }
}

function toJson(r: RequestCheckpoint): Json {
  const { page, offset, cursor, read } = r.state;
  return {
    method: r.method,
    url: r.url,
    ...(r.body === undefined ? {} : { body: r.body }),
    state: { page, offset, read, ...(cursor === undefined ? {} : { cursor }) },
  };
}

export const requestSource = defineSource<RequestSourceConfig, HttpConnection>({
  type: 'request',
  description:
    'Reads records from a REST API, one response at a time: offset, page, cursor, next-URL or Link-header pagination; each page checkpoints the next request.',
  config: requestSourceConfig,
  read: ({ config, connection, from, since }, ctx) => readRequests(config, connection, from, since, ctx),
});
