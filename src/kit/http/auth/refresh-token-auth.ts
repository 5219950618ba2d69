import * as oidc from 'openid-client';
import { grantParams } from './client-credentials-auth.js';
import { type TokenAuthProvider, tokenAuth, tokenCache } from './token-cache.js';
import { endpointConfig, type TokenEndpoint, toAccessToken, tokenError } from './token-endpoint.js';

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
  const config = endpointConfig(o);
  const params = grantParams(o);
  const cache = tokenCache({
    identity: [o.tokenUrl, o.clientId, 'refresh_token', o.scope ?? '', o.audience ?? ''],
    refreshBeforeMs: o.refreshBeforeMs ?? 60_000,
    fetch: async (ctx, previous) => {
      const refresh = previous?.refreshToken ?? o.refreshToken;
      try {
        return toAccessToken(o, await oidc.refreshTokenGrant(config, refresh, params), ctx, refresh);
      } catch (error) {
        throw tokenError(o.tokenUrl, error, 'check clientId, clientSecret and the refresh token');
      }
    },
  });
  return tokenAuth(cache, [o.clientSecret, o.refreshToken]);
}
