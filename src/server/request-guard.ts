import { isIP } from 'node:net';
import { FlowError, type NextAction } from '../sdk/index.js';

/** The host name of a Host header (`[::1]:8787` → `::1`, `Example.com.:80` → `example.com`). */
function hostName(host: string): string {
  const h = host.trim().toLowerCase();
  const name = h.startsWith('[') ? h.slice(1, h.indexOf(']')) : h.split(':').length === 2 ? h.split(':')[0] : h;
  return (name ?? '').replace(/\.$/, '');
}

/**
 * Refuses a Host header that names neither this machine nor an allowed host: a DNS-rebinding page
 * reaches 127.0.0.1 under its own domain name, and its requests carry that name. IP addresses,
 * `localhost` (and `*.localhost`) and the names in `allowHosts` (`serve --allow-host`) pass.
 */
export function foreignHost(host: string | undefined, allowHosts: readonly string[]): FlowError | undefined {
  if (host === undefined) return undefined; // HTTP/1.0 without Host: not a browser
  const name = hostName(host);
  if (isIP(name) !== 0 || name === 'localhost' || name.endsWith('.localhost')) return undefined;
  if (allowHosts.some((a) => a.toLowerCase() === name)) return undefined;
  return new FlowError('REQUEST_FORBIDDEN', `the Host header names "${name}", which this server does not answer to`, {
    hint: 'If the server is reached under that name (a proxy, a DNS name), start it allowing that host name.',
    next: [{ action: 'service.start', allowHost: name }],
  });
}

/** `host:port` with the scheme's default port filled in, for comparing an Origin with a Host header. */
function withPort(hostPort: string, defaultPort: string): string {
  const h = hostPort.toLowerCase();
  return /:\d+$/.test(h) ? h : `${h}:${defaultPort}`;
}

/**
 * Refuses a request sent by a web page of another origin (browser CSRF): a browser names the page's
 * origin in `Origin`; only the server's own origin (same scheme host and port as the Host header) passes.
 * Webhook senders and the CLI send no Origin.
 */
export function foreignOrigin(origin: string | undefined, host: string | undefined): FlowError | undefined {
  if (origin === undefined) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(origin);
  } catch {
    url = undefined;
  }
  const own =
    url !== undefined &&
    host !== undefined &&
    (url.protocol === 'http:' || url.protocol === 'https:') &&
    withPort(url.host, url.protocol === 'https:' ? '443' : '80') === withPort(host, '80');
  if (own) return undefined;
  return new FlowError('REQUEST_FORBIDDEN', `requests from the web page at ${JSON.stringify(origin)} are refused`, {
    hint: 'The server answers only its own origin: call it from the CLI, a script or a server, not from another site.',
  });
}

/** The token of an `Authorization: Bearer <token>` header, or a refusal saying what is missing. */
export function bearerToken(authorization: string | undefined): string | FlowError {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  if (m) return m[1] as string;
  return new FlowError(
    'API_UNAUTHORIZED',
    authorization === undefined
      ? 'this route needs an API token: send the header Authorization: Bearer <token>'
      : 'the Authorization header is not "Bearer <token>"',
    { hint: TOKEN_HINT, next: TOKEN_NEXT },
  );
}

export const TOKEN_HINT =
  'The token was printed when the server first started with this store; rotating it makes a new one (the old one stops working).';

/** What to do about a missing or wrong API token: rotate it (the CLI renders the command). */
export const TOKEN_NEXT: readonly NextAction[] = [{ action: 'tokens.rotate' }];
