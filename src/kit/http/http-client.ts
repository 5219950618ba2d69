import type { AuthProvider } from './auth/auth-provider.js';
import type { Masker } from './mask.js';
import type { QuotaReader } from './rate/quota-signal.js';
import type { RateLimiter } from './rate/rate-limiter.js';

/** What `sendRequest` needs of a connection: a connector's opened connection is (or holds) one. */
export interface HttpClient {
  /** `http connection https://api.example.com/v1` (masked): where errors happened. */
  readonly label: string;
  /** The base URL without a trailing slash; relative request URLs are appended to it. */
  readonly baseUrl: string;
  /** Lower-case names; sent with every request (the auth and the request add theirs). */
  readonly headers: Readonly<Record<string, string>>;
  /** Per request, from sending to the last byte of the answer. */
  readonly timeoutMs: number;
  readonly auth: AuthProvider;
  readonly mask: Masker;
  /** Rate limit, concurrency and announced quotas of this connection; undefined = unlimited. */
  readonly limiter?: RateLimiter | undefined;
  /** Readers of the quota headers this API sends (`quotaHeaders`, `usageHeader`); fed to the limiter. */
  readonly quota?: readonly QuotaReader[] | undefined;
}

/** An absolute URL for a path of this client (`/items` → `https://api.example.com/v1/items`). */
export function resolveUrl(client: Pick<HttpClient, 'baseUrl'>, pathOrUrl: string): string {
  if (/^https?:\/\//i.test(pathOrUrl)) return pathOrUrl;
  if (pathOrUrl === '' || pathOrUrl === '/') return `${client.baseUrl}/`;
  return pathOrUrl.startsWith('/') ? client.baseUrl + pathOrUrl : `${client.baseUrl}/${pathOrUrl}`;
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
export function withoutSecrets(client: Pick<HttpClient, 'auth'>, url: string): string {
  const names = client.auth.secretParams;
  if (names.length === 0) return url;
  const parsed = new URL(url);
  for (const name of names) parsed.searchParams.delete(name);
  return parsed.href;
}

/** The absolute URL of a request: a path of the client (or an absolute URL) with query parameters set. */
export function requestUrl(
  client: Pick<HttpClient, 'baseUrl'>,
  pathOrUrl: string,
  query: Readonly<Record<string, string>> = {},
): string {
  return withQuery(resolveUrl(client, pathOrUrl), query);
}
