import { createPrivateKey, randomUUID, sign } from 'node:crypto';
import * as oidc from 'openid-client';
import { httpErrors } from '../http-error-codes.js';
import type { TokenAuthProvider } from './token-cache.js';
import { grantAuth, type TokenEndpoint } from './token-endpoint.js';

export const JWT_BEARER_GRANT = 'urn:ietf:params:oauth:grant-type:jwt-bearer';

export interface JwtBearerOptions extends TokenEndpoint {
  /** `iss`: who signs (Salesforce: the connected app's consumer key). Default clientId. */
  readonly issuer?: string | undefined;
  /** `sub`: the user the token is for (Salesforce: the username). */
  readonly subject: string;
  /** `aud`: the authorization server (Salesforce: https://login.salesforce.com). */
  readonly audience: string;
  /** PEM of the RSA private key that signs the assertion (RS256). */
  readonly privateKey: string;
  /** Lifetime of the assertion (default 180 s: Salesforce wants a short `exp`). */
  readonly assertionSeconds?: number | undefined;
  readonly scope?: string | undefined;
  readonly refreshBeforeMs?: number | undefined;
}

const base64url = (data: string | Buffer) => Buffer.from(data).toString('base64url');

/** An RS256-signed JWT (RFC 7519) with the given claims. */
export function signJwt(claims: Record<string, string | number>, privateKeyPem: string): string {
  const head = base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }));
  const body = base64url(JSON.stringify(claims));
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(privateKeyPem);
  } catch (error) {
    throw httpErrors.fail('HTTP_AUTH', `the JWT private key is not a PEM private key (${(error as Error).message})`, {
      kind: 'config',
      hint: 'Give the PEM of the RSA private key (-----BEGIN PRIVATE KEY----- …) whose certificate the API trusts.',
    });
  }
  const signature = sign('RSA-SHA256', Buffer.from(`${head}.${body}`), key);
  return `${head}.${body}.${base64url(signature)}`;
}

/**
 * OAuth2 JWT bearer grant (RFC 7523, Salesforce's server-to-server flow): a short-lived assertion
 * `{iss, sub, aud, exp}` signed RS256 with node:crypto is exchanged for an access token. There is no
 * refresh token: a new assertion is signed when the token expires or a 401 says it did.
 */
export function jwtBearerAuth(o: JwtBearerOptions): TokenAuthProvider {
  return grantAuth({
    endpoint: o,
    identity: ['jwt-bearer', o.subject, o.audience, o.scope ?? ''],
    refreshBeforeMs: o.refreshBeforeMs,
    grant: async (config, ctx) => {
      const now = Math.floor(ctx.clock.now().getTime() / 1000);
      const claims = { iss: o.issuer ?? o.clientId, sub: o.subject, aud: o.audience, iat: now };
      const assertion = signJwt({ ...claims, exp: now + (o.assertionSeconds ?? 180), jti: randomUUID() }, o.privateKey);
      const params = { assertion, ...(o.scope ? { scope: o.scope } : {}) };
      return { answer: await oidc.genericGrantRequest(config, JWT_BEARER_GRANT, params) };
    },
    hint: 'check the issuer (consumer key), subject (username), audience and that the key matches the certificate the API holds',
    secrets: [o.privateKey],
  });
}
