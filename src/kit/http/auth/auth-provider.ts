import type { Context } from '../../../sdk/index.js';

/** What a credential adds to a request. Header names are lower case. */
export interface AuthParts {
  readonly headers: Readonly<Record<string, string>>;
  readonly query: Readonly<Record<string, string>>;
}

/** A request as it is about to be sent, for credentials that depend on it (request signing). */
export interface OutgoingRequest {
  readonly method: string;
  /** The absolute URL, query included (without the auth's own query parameters). */
  readonly url: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string;
}

/**
 * A credential at run time. `apply` decorates every request (a static kind returns the same object
 * each time); `reauthenticate` is called once after a 401 and, when it resolves true, the request is
 * sent once more with fresh `apply()` parts (OAuth2: a new access token). Its secrets are masked
 * wherever a message could show them.
 */
export interface AuthProvider {
  apply(ctx: Context, request: OutgoingRequest): AuthParts | Promise<AuthParts>;
  reauthenticate?(ctx: Context): Promise<boolean>;
  /** Secret values, masked wherever a message could show them. */
  readonly secrets: readonly string[];
  /** Query parameters whose values are secret (masked in messages, left out of checkpoints). */
  readonly secretParams: readonly string[];
}

/** A credential that never changes: the same headers and query parameters on every request. */
export function staticAuth(
  parts: AuthParts,
  secrets: readonly string[],
  secretParams: readonly string[] = [],
): AuthProvider {
  return { apply: () => parts, secrets: secrets.filter((s) => s.length > 0), secretParams };
}

/** No credential. */
export const noAuth: AuthProvider = staticAuth({ headers: {}, query: {} }, []);
