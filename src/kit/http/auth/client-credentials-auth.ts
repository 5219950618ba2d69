import * as oidc from 'openid-client';
import type { TokenAuthProvider } from './token-cache.js';
import { grantAuth, type TokenEndpoint } from './token-endpoint.js';

export interface ClientCredentialsOptions extends TokenEndpoint {
  readonly scope?: string | undefined;
  readonly audience?: string | undefined;
  /** Fetch a new token this long before the current one expires (default 60 s). */
  readonly refreshBeforeMs?: number | undefined;
}

/** Extra form parameters of a token request. */
export function grantParams(o: { scope?: string | undefined; audience?: string | undefined }): Record<string, string> {
  return { ...(o.scope ? { scope: o.scope } : {}), ...(o.audience ? { audience: o.audience } : {}) };
}

/**
 * OAuth2 client credentials (RFC 6749 §4.4, openid-client): a token fetched on first use, kept
 * sealed in ctx.tokens, refreshed before it expires and once more after a 401.
 */
export function clientCredentialsAuth(o: ClientCredentialsOptions): TokenAuthProvider {
  const params = grantParams(o);
  return grantAuth({
    endpoint: o,
    identity: ['client_credentials', o.scope ?? '', o.audience ?? ''],
    refreshBeforeMs: o.refreshBeforeMs,
    grant: async (config) => ({ answer: await oidc.clientCredentialsGrant(config, params) }),
    hint: 'check clientId, clientSecret and scope',
    secrets: [],
  });
}
