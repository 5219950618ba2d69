import { type Context, timeoutSignal } from '../../sdk/index.js';
import type { HttpConnection } from './connection.js';
import { networkError, type RequestLabel } from './http-errors.js';
import { retryAfterMs } from './retry-after.js';

export interface HttpRequest {
  readonly method: string;
  /** An absolute URL, or a path appended to the connection's baseUrl. Never carries the auth's parameters. */
  readonly url: string;
  /** Lower-case names; added to (and overriding) the connection's headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text; sent with `content-type: application/json` unless the headers say otherwise. */
  readonly body?: string;
}

export interface HttpResponse {
  readonly ok: boolean;
  readonly status: number;
  readonly statusText: string;
  readonly headers: Headers;
  /** The whole body as text (masked only in messages, not here). */
  readonly text: string;
  /** The URL requested, without the auth's parameters. */
  readonly url: string;
  readonly label: RequestLabel;
  readonly body: string;
  readonly retryAfterMs: number | undefined;
}

/** An absolute URL for a path of this connection (`/items` → `https://api.example.com/v1/items`). */
export function resolveUrl(connection: HttpConnection, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  if (pathOrUrl === '' || pathOrUrl === '/') return `${connection.baseUrl}/`;
  return pathOrUrl.startsWith('/') ? connection.baseUrl + pathOrUrl : `${connection.baseUrl}/${pathOrUrl}`;
}

/** `url` with the given query parameters set (replacing any of the same name). */
export function withQuery(url: string, query: Readonly<Record<string, string>>): string {
  const names = Object.keys(query);
  if (names.length === 0) return url;
  const parsed = new URL(url);
  for (const name of names) parsed.searchParams.set(name, query[name] as string);
  return parsed.href;
}

/** `url` without the auth's secret query parameters (for checkpoints). */
export function withoutSecrets(connection: HttpConnection, url: string): string {
  const names = connection.auth.secretParams;
  if (names.length === 0) return url;
  const parsed = new URL(url);
  for (const name of names) parsed.searchParams.delete(name);
  return parsed.href;
}

async function attempt(connection: HttpConnection, request: HttpRequest, url: string, ctx: Context) {
  const parts = await connection.auth.apply(ctx);
  const target = withQuery(url, parts.query);
  const headers: Record<string, string> = { accept: 'application/json', ...connection.headers, ...parts.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.headers) Object.assign(headers, request.headers);
  const label: RequestLabel = {
    connection: connection.label,
    request: `${request.method} ${connection.mask.url(target)}`,
  };
  const run = async () => {
    const limit = timeoutSignal(ctx.clock, connection.timeoutMs);
    const signal = AbortSignal.any([ctx.signal, limit.signal]);
    try {
      const response = await fetch(target, {
        method: request.method,
        headers,
        signal,
        ...(request.body === undefined ? {} : { body: request.body }),
      });
      const text = request.method === 'HEAD' ? '' : await response.text();
      return { response, text };
    } catch (error) {
      throw networkError(label, error, connection.timeoutMs, ctx.signal.aborted);
    } finally {
      limit.cancel();
    }
  };
  const queue = connection.queue;
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = queue ? await queue.add(run, { signal: ctx.signal }) : await run();
  } catch (error) {
    throw networkError(label, error, connection.timeoutMs, ctx.signal.aborted);
  }
  const { response, text } = result;
  const status = response.status;
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: response.statusText,
    headers: response.headers,
    text,
    url,
    label,
    body: status >= 200 && status < 300 ? '' : connection.mask.text(text),
    retryAfterMs:
      status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after'), ctx.clock.now()) : undefined,
  } satisfies HttpResponse;
}

/**
 * Sends one request through the connection's rate limit, with its timeout combined with the
 * run's signal, and reads the whole answer. Throws FlowError for network failures (transient) and
 * cancellation; returns every HTTP status. After a 401 the auth may re-authenticate once.
 */
export async function sendRequest(
  connection: HttpConnection,
  request: HttpRequest,
  ctx: Context,
): Promise<HttpResponse> {
  const url = resolveUrl(connection, request.url);
  const first = await attempt(connection, request, url, ctx);
  if (first.status !== 401 || !connection.auth.reauthenticate) return first;
  if (!(await connection.auth.reauthenticate(ctx))) return first;
  return attempt(connection, request, url, ctx);
}
