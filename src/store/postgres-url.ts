import { databaseUrlProblem } from '../kit/index.js';

/** What the messages show of a PostgreSQL URL: `host:port`, and the URL with its password masked. */
export interface PostgresTarget {
  /** `host:port`, e.g. `127.0.0.1:5432`. */
  hostPort: string;
  /** The URL with any password replaced by `****`. */
  masked: string;
}

export function isPostgresUrl(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

export function describePostgresUrl(url: string): PostgresTarget {
  // a password with an unencoded / ? # cuts the URL: its pieces would show as host, port or database
  if (databaseUrlProblem(url) !== undefined) return { hostPort: 'unknown host', masked: 'postgres://… (not shown)' };
  try {
    const parsed = new URL(url);
    const host = decodeURIComponent(parsed.hostname) || 'localhost';
    const port = parsed.port || '5432';
    if (parsed.password !== '') parsed.password = '****';
    return { hostPort: `${host}:${port}`, masked: parsed.toString() };
  } catch {
    // Not a parsable URL: still never show what could be a password.
    return { hostPort: 'unknown host', masked: url.replace(/\/\/([^:/@]*):[^@]*@/, '//$1:****@') };
  }
}
