import { describe, expect, it } from 'vitest';
import { connect, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { OAUTH_CLIENT } from '../../../test/emulators/http-test-server.js';
import { sendRequest } from '../../kit/index.js';
import { type Context, type Json, ManualClock, type TokenStore } from '../../sdk/index.js';

const t = useHttpTestServer();

function memoryTokens(): TokenStore & { saved: Map<string, Json> } {
  const saved = new Map<string, Json>();
  return { saved, load: async (k) => saved.get(k), save: async (k, v) => void saved.set(k, v) };
}

function withTokens(ctx: Context, tokens: TokenStore): Context {
  return { ...ctx, tokens };
}

const oauth = (url: string, extra: Record<string, unknown> = {}) =>
  connect(url, {
    auth: {
      type: 'oauth2',
      tokenUrl: `${url}/oauth/token`,
      clientId: OAUTH_CLIENT.id,
      clientSecret: OAUTH_CLIENT.secret,
      ...extra,
    },
  });

async function get(conn: ReturnType<typeof connect>, ctx: Context, url: string) {
  return sendRequest(conn, { method: 'GET', url: `${url}/oauth/items` }, ctx);
}

describe('http auth: oauth2', () => {
  it('fetches a token on first use, reuses it, and keeps it sealed-store side via ctx.tokens', async () => {
    const { server } = t;
    const tokens = memoryTokens();
    const ctx = withTokens(testContext(), tokens);
    const conn = oauth(server.url);
    const before = server.stats.oauth.issued;
    expect((await get(conn, ctx, server.url)).status).toBe(200);
    expect((await get(conn, ctx, server.url)).status).toBe(200);
    expect(server.stats.oauth.issued).toBe(before + 1);
    expect([...tokens.saved.values()][0]).toMatchObject({ accessToken: `at-${before + 1}` });

    // another process (a new connection) finds the stored token and does not ask again
    expect((await get(oauth(server.url), ctx, server.url)).status).toBe(200);
    expect(server.stats.oauth.issued).toBe(before + 1);
  });

  it('shares one token request between concurrent requests', async () => {
    const { server } = t;
    const ctx = withTokens(testContext(), memoryTokens());
    const conn = oauth(server.url, { scope: 'concurrent' });
    const before = server.stats.oauth.issued;
    const answers = await Promise.all(Array.from({ length: 8 }, () => get(conn, ctx, server.url)));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    expect(server.stats.oauth.issued).toBe(before + 1);
  });

  it('refreshes before expiry (by ctx.clock) and once more on a 401', async () => {
    const { server } = t;
    const clock = new ManualClock(Date.now());
    const ctx = withTokens(testContext(clock), memoryTokens());
    const conn = oauth(server.url, { scope: 'expiry', refreshBeforeMs: 60_000 });
    const before = server.stats.oauth.issued;
    await get(conn, ctx, server.url);
    clock.advance(3600_000 - 59_000); // inside the refresh window
    expect((await get(conn, ctx, server.url)).status).toBe(200);
    expect(server.stats.oauth.issued).toBe(before + 2);
    await fetch(`${server.url}/oauth/revoke`, { method: 'POST' });
    expect((await get(conn, ctx, server.url)).status).toBe(200);
    expect(server.stats.oauth.issued).toBe(before + 3);
  });

  it('uses and rotates refresh tokens with grant refresh_token', async () => {
    const { server } = t;
    const first = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: OAUTH_CLIENT.id,
        client_secret: OAUTH_CLIENT.secret,
      }),
    });
    const { refresh_token } = (await first.json()) as { refresh_token: string };
    const tokens = memoryTokens();
    const ctx = withTokens(testContext(), tokens);
    const conn = oauth(server.url, { grant: 'refresh_token', refreshToken: refresh_token, clientAuth: 'post' });
    expect((await get(conn, ctx, server.url)).status).toBe(200);
    const stored = [...tokens.saved.values()][0] as { refreshToken: string };
    expect(stored.refreshToken).not.toBe(refresh_token);
    await fetch(`${server.url}/oauth/revoke`, { method: 'POST' });
    expect((await get(conn, ctx, server.url)).status).toBe(200);
    expect(server.stats.oauth.grants.slice(-2)).toEqual(['refresh_token', 'refresh_token']);
  });

  it('a refused client is a config error naming the token endpoint, without the secret', async () => {
    const { server } = t;
    const conn = connect(server.url, {
      auth: {
        type: 'oauth2',
        tokenUrl: `${server.url}/oauth/token`,
        clientId: OAUTH_CLIENT.id,
        clientSecret: 'wrong-secret-77',
      },
    });
    const error = await get(conn, testContext(), server.url).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'HTTP_AUTH', kind: 'config' });
    expect(String((error as Error).message)).toContain('/oauth/token');
    expect(String((error as Error).message)).toContain('invalid_client');
    expect(JSON.stringify(error)).not.toContain('wrong-secret-77');
  });

  it('needs refreshToken for grant refresh_token', () => {
    expect(() => oauth('http://127.0.0.1:1', { grant: 'refresh_token' })).toThrow(/refreshToken/);
  });

  it('needs privateKey, subject and audience for grant jwt_bearer (RFC 7523, the kit signs RS256)', () => {
    expect(() => oauth('http://127.0.0.1:1', { grant: 'jwt_bearer', subject: 'u' })).toThrow(/privateKey/);
    const conn = oauth('http://127.0.0.1:1', {
      grant: 'jwt_bearer',
      privateKey: '-----BEGIN PRIVATE KEY-----\nMII…\n-----END PRIVATE KEY-----',
      subject: 'integration@acme.com',
      audience: 'https://login.salesforce.com',
    });
    expect(conn.mask.text('key -----BEGIN PRIVATE KEY-----\nMII…\n-----END PRIVATE KEY-----')).toBe('key ***');
  });
});
