import { createHash } from 'node:crypto';
import * as oidc from 'openid-client';
import { z } from 'zod';
import { httpErrors } from '../../kit/index.js';
import { type Context, FlowError, isJsonObject, type Json } from '../../sdk/index.js';
import type { AuthProvider } from './auth.js';

/** `auth: { type: oauth2, … }`: RFC 6749 client credentials or refresh token grant (openid-client). */
export const oauth2AuthConfig = z
  .object({
    type: z.literal('oauth2'),
    tokenUrl: z.url(),
    clientId: z.string().min(1),
    clientSecret: z.string().optional(),
    grant: z.enum(['client_credentials', 'refresh_token']).default('client_credentials'),
    /** The first refresh token, for `grant: refresh_token` (rotated tokens are kept in the store). */
    refreshToken: z.string().optional(),
    scope: z.string().optional(),
    audience: z.string().optional(),
    /** How the client authenticates at the token endpoint. */
    clientAuth: z.enum(['basic', 'post']).default('basic'),
    /** Fetch a new token this long before the current one expires. */
    refreshBeforeMs: z.number().int().nonnegative().default(60_000),
  })
  .strict()
  .refine((a) => a.grant !== 'refresh_token' || a.refreshToken !== undefined, {
    message: 'grant refresh_token needs `refreshToken` (the first one; rotated ones are stored)',
    path: ['refreshToken'],
  });

export type OAuth2AuthConfig = z.infer<typeof oauth2AuthConfig>;

interface Token {
  accessToken: string;
  /** Epoch ms. */
  expiresAt: number;
  refreshToken?: string;
}

function asToken(value: Json | undefined): Token | undefined {
  if (!isJsonObject(value) || typeof value.accessToken !== 'string' || typeof value.expiresAt !== 'number')
    return undefined;
  return {
    accessToken: value.accessToken,
    expiresAt: value.expiresAt,
    ...(typeof value.refreshToken === 'string' ? { refreshToken: value.refreshToken } : {}),
  };
}

function tokenError(auth: OAuth2AuthConfig, error: unknown): FlowError {
  const status = (error as { status?: unknown }).status;
  const code = (error as { error?: unknown }).error;
  const detail = [code, (error as { error_description?: unknown }).error_description]
    .filter((v) => typeof v === 'string')
    .join(': ');
  const message = `token endpoint ${auth.tokenUrl} ${typeof status === 'number' ? `answered ${status}` : 'failed'}${detail ? ` (${detail})` : `: ${(error as Error).message}`}`;
  if (typeof status === 'number' && status < 500 && status !== 429) {
    return httpErrors.fail('HTTP_AUTH', message, {
      hint: 'check clientId, clientSecret, scope and (for refresh_token) the refresh token',
    });
  }
  return new FlowError('TRANSIENT_IO', message, { kind: 'transient', cause: error });
}

/**
 * An access token fetched on first use, kept (sealed) in ctx.tokens across runs, refreshed
 * `refreshBeforeMs` before it expires and once more when the API answers 401. Concurrent requests
 * share one token request. Tokens and the client secret never appear in messages.
 */
export function oauth2Provider(auth: OAuth2AuthConfig): AuthProvider {
  const key = `oauth2:${createHash('sha256')
    .update(JSON.stringify([auth.tokenUrl, auth.clientId, auth.grant, auth.scope ?? '', auth.audience ?? '']))
    .digest('hex')
    .slice(0, 24)}`;
  const url = new URL(auth.tokenUrl);
  const clientAuth =
    auth.clientSecret === undefined
      ? oidc.None()
      : auth.clientAuth === 'post'
        ? oidc.ClientSecretPost(auth.clientSecret)
        : oidc.ClientSecretBasic(auth.clientSecret);
  const config = new oidc.Configuration(
    { issuer: url.origin, token_endpoint: auth.tokenUrl },
    auth.clientId,
    undefined,
    clientAuth,
  );
  if (url.protocol === 'http:') oidc.allowInsecureRequests(config);
  const params: Record<string, string> = {
    ...(auth.scope ? { scope: auth.scope } : {}),
    ...(auth.audience ? { audience: auth.audience } : {}),
  };
  let token: Token | undefined;
  let loaded = false;
  let inflight: Promise<Token> | undefined;

  const fresh = (t: Token | undefined, ctx: Context): t is Token =>
    t !== undefined && t.expiresAt - auth.refreshBeforeMs > ctx.clock.now().getTime();

  const request = async (ctx: Context): Promise<Token> => {
    try {
      const refresh = token?.refreshToken ?? auth.refreshToken;
      const r =
        auth.grant === 'refresh_token' && refresh !== undefined
          ? await oidc.refreshTokenGrant(config, refresh, params)
          : await oidc.clientCredentialsGrant(config, params);
      const next: Token = {
        accessToken: r.access_token,
        expiresAt: ctx.clock.now().getTime() + (r.expires_in ?? 3600) * 1000,
        ...((r.refresh_token ?? refresh) ? { refreshToken: (r.refresh_token ?? refresh) as string } : {}),
      };
      token = next;
      await ctx.tokens?.save(key, { ...next });
      return next;
    } catch (error) {
      throw error instanceof FlowError ? error : tokenError(auth, error);
    }
  };

  const current = async (ctx: Context): Promise<Token> => {
    if (fresh(token, ctx)) return token;
    if (!loaded) {
      loaded = true;
      const stored = asToken(await ctx.tokens?.load(key));
      if (stored) token = stored;
      if (fresh(token, ctx)) return token;
    }
    inflight ??= request(ctx).finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  return {
    async apply(ctx) {
      const t = await current(ctx);
      return { headers: { authorization: `Bearer ${t.accessToken}` }, query: {} };
    },
    async reauthenticate(ctx) {
      if (token) token = { ...token, expiresAt: 0 };
      await current(ctx);
      return true;
    },
    secrets: [auth.clientSecret, auth.refreshToken].filter((s): s is string => typeof s === 'string' && s.length > 0),
    secretParams: [],
  };
}
