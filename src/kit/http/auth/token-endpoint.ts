import * as oidc from 'openid-client';
import { type Context, FlowError } from '../../../sdk/index.js';
import { httpErrors } from '../http-error-codes.js';
import { type AccessToken, type TokenAuthProvider, tokenAuth, tokenCache } from './token-cache.js';

/** An RFC 6749 token endpoint and how the client authenticates there. */
export interface TokenEndpoint {
  readonly tokenUrl: string;
  readonly clientId: string;
  readonly clientSecret?: string | undefined;
  /** `basic` (HTTP Basic, the default) or `post` (client_id/client_secret in the form). */
  readonly clientAuth?: 'basic' | 'post' | undefined;
  /** Lifetime assumed when the answer has no `expires_in` (Salesforce's JWT flow answers none). */
  readonly defaultLifetimeMs?: number | undefined;
  /** Non-secret answer fields to keep with the token, e.g. `instance_url`. */
  readonly keepFields?: readonly string[] | undefined;
}

/** The openid-client configuration of an endpoint (plain http allowed: test servers and emulators). */
export function endpointConfig(e: TokenEndpoint): oidc.Configuration {
  const url = new URL(e.tokenUrl);
  const clientAuth =
    e.clientSecret === undefined
      ? oidc.None()
      : e.clientAuth === 'post'
        ? oidc.ClientSecretPost(e.clientSecret)
        : oidc.ClientSecretBasic(e.clientSecret);
  const config = new oidc.Configuration(
    { issuer: url.origin, token_endpoint: e.tokenUrl },
    e.clientId,
    undefined,
    clientAuth,
  );
  if (url.protocol === 'http:') oidc.allowInsecureRequests(config);
  return config;
}

/**
 * A failed token request as a FlowError: a 4xx answer (bad client, bad grant) → HTTP_AUTH naming the
 * endpoint and the OAuth error code; anything else (5xx, 429, network) → TRANSIENT_IO. No secret in it.
 */
export function tokenError(tokenUrl: string, error: unknown, hint: string): FlowError {
  if (error instanceof FlowError) return error;
  const status = (error as { status?: unknown }).status;
  const code = (error as { error?: unknown }).error;
  const detail = [code, (error as { error_description?: unknown }).error_description]
    .filter((v) => typeof v === 'string')
    .join(': ');
  const message = `token endpoint ${tokenUrl} ${typeof status === 'number' ? `answered ${status}` : 'failed'}${detail ? ` (${detail})` : `: ${(error as Error).message}`}`;
  if (typeof status === 'number' && status < 500 && status !== 429)
    return httpErrors.fail('HTTP_AUTH', message, { hint });
  return new FlowError('TRANSIENT_IO', message, { kind: 'transient', cause: error });
}

/** A token answer as an AccessToken, its expiry on ctx.clock. */
export function toAccessToken(
  e: TokenEndpoint,
  r: oidc.TokenEndpointResponse,
  ctx: Context,
  previousRefresh?: string,
): AccessToken {
  const lifetime = r.expires_in === undefined ? (e.defaultLifetimeMs ?? 3_600_000) : r.expires_in * 1000;
  const refresh = r.refresh_token ?? previousRefresh;
  const fields: Record<string, string> = {};
  for (const name of e.keepFields ?? []) {
    const v = (r as Record<string, unknown>)[name];
    if (typeof v === 'string') fields[name] = v;
  }
  return {
    accessToken: r.access_token,
    expiresAt: ctx.clock.now().getTime() + lifetime,
    ...(refresh ? { refreshToken: refresh } : {}),
    ...(Object.keys(fields).length > 0 ? { fields } : {}),
  };
}

export interface GrantAuthOptions {
  readonly endpoint: TokenEndpoint;
  /** What identifies the credential in the store (besides the endpoint and client id). */
  readonly identity: readonly string[];
  readonly refreshBeforeMs?: number | undefined;
  /** Asks the endpoint for a token; `previous` is the last one (its refresh token). */
  readonly grant: (
    config: oidc.Configuration,
    ctx: Context,
    previous: AccessToken | undefined,
  ) => Promise<{ answer: oidc.TokenEndpointResponse; refresh?: string }>;
  /** The fix shown when the endpoint refuses. */
  readonly hint: string;
  readonly secrets: readonly (string | undefined)[];
}

/** A bearer-token AuthProvider over one OAuth2 grant: cached in the token store, errors mapped, secrets masked. */
export function grantAuth(o: GrantAuthOptions): TokenAuthProvider {
  const config = endpointConfig(o.endpoint);
  const cache = tokenCache({
    identity: [o.endpoint.tokenUrl, o.endpoint.clientId, ...o.identity],
    refreshBeforeMs: o.refreshBeforeMs ?? 60_000,
    fetch: async (ctx, previous) => {
      try {
        const { answer, refresh } = await o.grant(config, ctx, previous);
        return toAccessToken(o.endpoint, answer, ctx, refresh);
      } catch (error) {
        throw tokenError(o.endpoint.tokenUrl, error, o.hint);
      }
    },
  });
  return tokenAuth(cache, [o.endpoint.clientSecret, ...o.secrets]);
}
