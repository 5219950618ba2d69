import * as oidc from 'openid-client';
import { grantParams } from './client-credentials-auth.js';
import type { TokenAuthProvider } from './token-cache.js';
import { grantAuth, type TokenEndpoint } from './token-endpoint.js';

export interface RefreshTokenOptions extends TokenEndpoint {
  /** The first refresh token; rotated ones are kept (sealed) in the token store. */
  readonly refreshToken: string;
  readonly scope?: string | undefined;
  readonly audience?: string | undefined;
  readonly refreshBeforeMs?: number | undefined;
}

/**
 * OAuth2 refresh token grant (RFC 6749 §6): access tokens from a refresh token, rotated refresh
 * tokens stored with the access token (Salesforce, HubSpot rotate them), once more after a 401.
 */
export function refreshTokenAuth(o: RefreshTokenOptions): TokenAuthProvider {
  const params = grantParams(o);
  return grantAuth({
    endpoint: o,
    identity: ['refresh_token', o.scope ?? '', o.audience ?? ''],
    refreshBeforeMs: o.refreshBeforeMs,
    grant: async (config, _ctx, previous) => {
      const refresh = previous?.refreshToken ?? o.refreshToken;
      return { answer: await oidc.refreshTokenGrant(config, refresh, params), refresh };
    },
    hint: 'check clientId, clientSecret and the refresh token',
    secrets: [o.refreshToken],
  });
}
