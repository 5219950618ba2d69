import { FlowError } from '../../sdk/errors.js';

/** The parts of a database URL (`postgres://`, `mysql://`), percent-decoded. */
export interface DatabaseUrl {
  readonly url: URL;
  readonly host: string;
  readonly port: number | undefined;
  readonly database: string | undefined;
  readonly user: string | undefined;
  readonly password: string | undefined;
}

const encodeHint =
  'Percent-encode the user and password in the URL (/ → %2F, # → %23, ? → %3F, @ → %40, % → %25, : in the user → %3A), or leave the password out of the URL and give it in the password: field (password: ${secret:DB_PASSWORD}).';

/**
 * Why a database URL cannot be read, or undefined. Never quotes the URL: a password with an
 * unencoded `/`, `?` or `#` cuts the URL early, and its pieces would be read as host, port or database
 * (`postgres://app:12/x9@db/shop` is host `app`, port 12, database `x9@db/shop`).
 */
export function databaseUrlProblem(text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return 'the connection URL cannot be parsed (a character in the user or password, such as / ? # or space, is probably not percent-encoded)';
  }
  if (url.hash !== '' || text.includes('#')) {
    return 'the connection URL holds a # (a database URL has no fragment: a # in the password must be percent-encoded as %23)';
  }
  if (url.username === '' && `${url.pathname}${url.search}`.includes('@')) {
    return 'the connection URL has an @ after its host part (a / or ? in the user or password is probably not percent-encoded, so the URL was cut there)';
  }
  for (const part of [url.username, url.password, url.pathname]) {
    try {
      decodeURIComponent(part);
    } catch {
      return 'the connection URL holds a % that does not start a percent-encoded character (a % in the password must be written %25)';
    }
  }
  return undefined;
}

/** Parses a database URL, or throws CONFIG_INVALID naming the problem and the fix, never any part of the URL. */
export function parseDatabaseUrl(text: string, where: string): DatabaseUrl {
  const problem = databaseUrlProblem(text);
  if (problem !== undefined) throw new FlowError('CONFIG_INVALID', problem, { where, hint: encodeHint });
  const url = new URL(text);
  const decoded = (s: string) => (s === '' ? undefined : decodeURIComponent(s));
  return {
    url,
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port ? Number(url.port) : undefined,
    database: decoded(url.pathname.replace(/^\//, '')),
    user: decoded(url.username),
    password: decoded(url.password),
  };
}

/** The hint of a database URL problem (for schema refinements that can only carry a message). */
export const databaseUrlHint = encodeHint;

/** The login fields a server connection takes from its own settings, else from its URL. */
export interface ServerLogin {
  readonly database?: string;
  readonly user?: string;
  readonly password?: string;
}

/** Where a server connection goes: each field from the connection's own setting, else its URL's, else the default. */
export interface ServerTarget {
  readonly host: string;
  readonly port: number;
  /** Only the login fields that are set (a pool option present as undefined would override the driver's default). */
  readonly login: ServerLogin;
}

export function serverTarget(
  config: { readonly host?: string; readonly port?: number } & ServerLogin,
  url: DatabaseUrl | undefined,
  defaultPort: number,
): ServerTarget {
  const login: { database?: string; user?: string; password?: string } = {};
  for (const field of ['database', 'user', 'password'] as const) {
    const value = config[field] ?? url?.[field];
    if (value !== undefined) login[field] = value;
  }
  return {
    host: config.host ?? (url?.host || undefined) ?? '127.0.0.1',
    port: config.port ?? url?.port ?? defaultPort,
    login,
  };
}
