import { createHash } from 'node:crypto';
import { z } from 'zod';
import { httpErrors, pathSchema } from '../../kit/index.js';
import { type Context, defineSource, type Json, type Page } from '../../sdk/index.js';
import { type HttpConnection, httpHeaders } from './connection.js';
import { statusError } from './http-errors.js';
import { jsonValue } from './json-value.js';
import { nextRequest } from './next-request.js';
import { initialState, type PageState, pageLimit, pageQuery, paginationConfig } from './pagination.js';
import { readJson } from './read-json.js';
import { type RequestCheckpoint, readCheckpoint } from './request-checkpoint.js';
import { recordsOf, toRecords } from './response-records.js';
import { resolveUrl, sendRequest, withQuery } from './send-request.js';
import { sourceRetry } from './source-retry.js';
import { compileJsonTemplate, compilePath, compileTemplate, segmentsOf, templateText } from './template.js';

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
  const limit = pageLimit(p, config.pageSize);
  const pathT = compileTemplate(config.path);
  const queryT = Object.entries(config.query).map(([k, v]) => [k, compileTemplate(String(v))] as const);
  const bodyT = config.body === undefined ? undefined : compileJsonTemplate(config.body);
  const getRecords = config.recordsPath ? compilePath(config.recordsPath) : undefined;
  const getId = config.idField ? compilePath(config.idField) : undefined;
  const nextPath =
    p.type === 'cursor' ? segmentsOf(p.cursorPath) : p.type === 'nextUrl' ? segmentsOf(p.nextPath) : undefined;
  const sinceText =
    since === undefined || since === null ? undefined : typeof since === 'string' ? since : JSON.stringify(since);
  const attempt = sourceRetry(config.retry, ctx);

  const build = (state: PageState): RequestCheckpoint => {
    const vars = { ...state, since: sinceText ?? '', checkpoint: sinceText ?? '', limit, pageSize: config.pageSize };
    const query: Record<string, string> = {};
    for (const [k, t] of queryT) query[k] = t.render(vars);
    if (config.sinceParam && sinceText !== undefined) query[config.sinceParam] = sinceText;
    Object.assign(query, pageQuery(p, state, limit));
    const url = withQuery(resolveUrl(connection, pathT.render(vars, encodeURIComponent)), query);
    return { method: config.method, url, ...(bodyT ? { body: JSON.stringify(bodyT(vars)) } : {}), state };
  };

  const resumed = from === undefined || from === null ? undefined : readCheckpoint(from, connection.label);
  let request: RequestCheckpoint = resumed ?? build(initialState(p));
  const seen = new Set<string>();
  let previous: string | undefined;
  let pages = 0;
  for (;;) {
    if (p.type === 'cursor' || p.type === 'nextUrl' || p.type === 'linkHeader') {
      const key = `${request.method} ${request.url}\n${request.body ?? ''}`;
      if (seen.has(key)) {
        const what =
          p.type === 'cursor' ? `cursor "${request.state.cursor}"` : `URL ${connection.mask.url(request.url)}`;
        const message = `pagination asked for ${what} a second time; stopping instead of looping forever`;
        throw httpErrors.fail('HTTP_PAGINATION_LOOP', message, { where: connection.label });
      }
      seen.add(key);
    }
    const current = request;
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
    // offset/page: an API that ignores the page parameter answers the same page again and again
    if ((p.type === 'offset' || p.type === 'page') && response.text.length > 0) {
      const digest = createHash('sha256').update(response.text).digest('hex');
      if (digest === previous && !/^\s*(\[\s*\]|\{\s*\})\s*$/.test(response.text)) {
        const param = p.type === 'offset' ? p.offsetParam : p.pageParam;
        throw httpErrors.fail(
          'HTTP_PAGINATION_LOOP',
          `${response.label.request} (page ${pages + 1}) answered exactly what the page before it answered; the API seems to ignore "${param}", so pagination stops instead of reading the same records forever`,
          {
            where: connection.label,
            hint: `Check the name of the ${p.type} parameter in the API documentation (pagination.${p.type === 'offset' ? 'offsetParam' : 'pageParam'}), or use the pagination type the API supports.`,
          },
        );
      }
      previous = digest;
    }
    const items = recordsOf(
      body,
      config.recordsPath,
      getRecords,
      () => `${connection.label}: ${response.label.request}`,
    );
    const state = current.state;
    const base = state.read;
    const records = toRecords(items, getId, base, `${current.method} ${new URL(current.url).pathname}#`);
    pages++;
    const next = nextRequest({
      pagination: p,
      limit,
      state,
      count: items.length,
      body,
      response,
      current,
      items,
      nextPath,
      page: pages,
      build,
      connection,
    });
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
