import { type Context, timeoutSignal } from '../../sdk/index.js';
import { type HttpClient, resolveUrl, withQuery } from './http-client.js';
import { networkError, type RequestLabel } from './http-errors.js';
import { retryAfterMs } from './rate/retry-after.js';

export interface HttpRequest {
  readonly method: string;
  /** An absolute URL, or a path appended to the client's baseUrl. Never carries the auth's parameters. */
  readonly url: string;
  /** Lower-case names; added to (and overriding) the client's headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** JSON text; sent with `content-type: application/json` unless the headers say otherwise. */
  readonly body?: string;
  /** What the request spends of a cost-based quota (default 1). */
  readonly cost?: number;
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
  /** The body of a non-2xx answer, masked, for messages ('' for a 2xx). */
  readonly body: string;
  /** A 429/503 answer's Retry-After, in ms. */
  readonly retryAfterMs: number | undefined;
  /** A Retry-After longer than the limiter waits: the connection's breaker opens until then. */
  readonly blockedUntil?: Date | undefined;
}

async function attempt(client: HttpClient, request: HttpRequest, url: string, ctx: Context): Promise<HttpResponse> {
  const headers: Record<string, string> = { accept: 'application/json', ...client.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';
  if (request.headers) Object.assign(headers, request.headers);
  const parts = await client.auth.apply(ctx, {
    method: request.method,
    url,
    headers,
    ...(request.body === undefined ? {} : { body: request.body }),
  });
  const target = withQuery(url, parts.query);
  Object.assign(headers, parts.headers);
  if (request.headers) Object.assign(headers, request.headers);
  const label: RequestLabel = { connection: client.label, request: `${request.method} ${client.mask.url(target)}` };
  const run = async () => {
    const limit = timeoutSignal(ctx.clock, client.timeoutMs);
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
      throw networkError(label, error, client.timeoutMs, ctx.signal.aborted);
    } finally {
      limit.cancel();
    }
  };
  let result: Awaited<ReturnType<typeof run>>;
  try {
    result = client.limiter ? await client.limiter.schedule(run, ctx, request.cost) : await run();
  } catch (error) {
    throw networkError(label, error, client.timeoutMs, ctx.signal.aborted);
  }
  const { response, text } = result;
  const status = response.status;
  const now = ctx.clock.now();
  for (const read of client.quota ?? []) {
    const signal = read(response.headers, now);
    if (signal) client.limiter?.observe(signal, now);
  }
  const wait = status === 429 || status === 503 ? retryAfterMs(response.headers.get('retry-after'), now) : undefined;
  let blockedUntil: Date | undefined;
  if (wait !== undefined && client.limiter) {
    // every request of the connection waits, not only the one retried
    const until = new Date(now.getTime() + wait);
    client.limiter.observe({ name: 'retry-after', remaining: 0, resetAt: until }, now);
    if (wait > client.limiter.maxWaitMs) blockedUntil = until;
  }
  return {
    ok: status >= 200 && status < 300,
    status,
    statusText: response.statusText,
    headers: response.headers,
    text,
    url,
    label,
    body: status >= 200 && status < 300 ? '' : client.mask.text(text),
    retryAfterMs: wait,
    ...(blockedUntil ? { blockedUntil } : {}),
  };
}

/**
 * Sends one request through the client's rate limiter, with its timeout combined with the run's
 * signal, and reads the whole answer; quota headers feed the limiter. Throws FlowError for network
 * failures (transient) and cancellation; returns every HTTP status (`statusError` maps them). After a
 * 401 the auth may re-authenticate once, and the request is sent again.
 */
export async function sendRequest(client: HttpClient, request: HttpRequest, ctx: Context): Promise<HttpResponse> {
  const url = resolveUrl(client, request.url);
  const first = await attempt(client, request, url, ctx);
  if (first.status !== 401 || !client.auth.reauthenticate) return first;
  if (!(await client.auth.reauthenticate(ctx))) return first;
  return attempt(client, request, url, ctx);
}
