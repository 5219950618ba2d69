import { createHash } from 'node:crypto';
import { type Context, isJsonObject, type Json } from '../../../sdk/index.js';
import type { AuthProvider } from './auth-provider.js';

/** An access token as the store keeps it (sealed, through ctx.tokens). */
export interface AccessToken {
  readonly accessToken: string;
  /** Epoch ms. */
  readonly expiresAt: number;
  readonly refreshToken?: string;
  /** Non-secret fields of the token answer a connector needs, e.g. Salesforce's `instance_url`. */
  readonly fields?: Readonly<Record<string, string>>;
}

/** Fetches a new token; `previous` is the last one (its refresh token, when rotated). */
export type TokenFetcher = (ctx: Context, previous: AccessToken | undefined) => Promise<AccessToken>;

export interface TokenCacheOptions {
  /** What identifies the credential (token URL, client id, grant, scope …): hashed into the store key. */
  readonly identity: readonly string[];
  /** Fetch a new token this long before the current one expires. */
  readonly refreshBeforeMs: number;
  readonly fetch: TokenFetcher;
}

/** The tokens of one credential: from memory, else the store, else fetched (one fetch shared by concurrent callers). */
export interface TokenCache {
  current(ctx: Context): Promise<AccessToken>;
  /** Forgets the current token (a 401 said it is no longer valid); the next `current` fetches anew. */
  invalidate(): void;
}

function asToken(value: Json | undefined): AccessToken | undefined {
  if (!isJsonObject(value) || typeof value.accessToken !== 'string' || typeof value.expiresAt !== 'number')
    return undefined;
  const fields = isJsonObject(value.fields)
    ? Object.fromEntries(Object.entries(value.fields).filter((e): e is [string, string] => typeof e[1] === 'string'))
    : undefined;
  return {
    accessToken: value.accessToken,
    expiresAt: value.expiresAt,
    ...(typeof value.refreshToken === 'string' ? { refreshToken: value.refreshToken } : {}),
    ...(fields ? { fields } : {}),
  };
}

/**
 * A token fetched on first use, kept (sealed) in ctx.tokens across runs and processes, refreshed
 * `refreshBeforeMs` before it expires (by ctx.clock). Concurrent callers share one fetch.
 */
export function tokenCache(o: TokenCacheOptions): TokenCache {
  const key = `oauth2:${createHash('sha256').update(JSON.stringify(o.identity)).digest('hex').slice(0, 24)}`;
  let token: AccessToken | undefined;
  let loaded = false;
  let inflight: Promise<AccessToken> | undefined;
  const fresh = (t: AccessToken | undefined, ctx: Context): t is AccessToken =>
    t !== undefined && t.expiresAt - o.refreshBeforeMs > ctx.clock.now().getTime();
  const fetchNew = async (ctx: Context): Promise<AccessToken> => {
    const next = await o.fetch(ctx, token);
    token = next;
    await ctx.tokens?.save(key, {
      accessToken: next.accessToken,
      expiresAt: next.expiresAt,
      ...(next.refreshToken === undefined ? {} : { refreshToken: next.refreshToken }),
      ...(next.fields === undefined ? {} : { fields: { ...next.fields } }),
    });
    return next;
  };
  return {
    async current(ctx) {
      if (fresh(token, ctx)) return token;
      if (!loaded) {
        loaded = true;
        const stored = asToken(await ctx.tokens?.load(key));
        if (stored) token = stored;
        if (fresh(token, ctx)) return token;
      }
      inflight ??= fetchNew(ctx).finally(() => {
        inflight = undefined;
      });
      return inflight;
    },
    invalidate() {
      if (token) token = { ...token, expiresAt: 0 };
    },
  };
}

/** An AuthProvider backed by a token; `token` gives the current one (and its kept fields, e.g. `instance_url`). */
export interface TokenAuthProvider extends AuthProvider {
  token(ctx: Context): Promise<AccessToken>;
}

/** An AuthProvider sending the cached token as `authorization: Bearer …`, fetching a new one once after a 401. */
export function tokenAuth(cache: TokenCache, secrets: readonly (string | undefined)[]): TokenAuthProvider {
  return {
    token: (ctx) => cache.current(ctx),
    async apply(ctx) {
      const t = await cache.current(ctx);
      return { headers: { authorization: `Bearer ${t.accessToken}` }, query: {} };
    },
    async reauthenticate(ctx) {
      cache.invalidate();
      await cache.current(ctx);
      return true;
    },
    secrets: secrets.filter((s): s is string => typeof s === 'string' && s.length > 0),
    secretParams: [],
  };
}
