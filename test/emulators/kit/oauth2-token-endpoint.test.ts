import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { requireAuth } from './auth-check.js';
import { createEmulatorApp } from './emulator-app.js';
import { registerOAuth2TokenEndpoint } from './oauth2-token-endpoint.js';
import { bearerCheck, createTokenStore } from './token-store.js';

const client = { id: 'app', secret: 's3cret&=' };

function server(options: { rotate?: boolean } = {}) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const emulator = createEmulatorApp({ clock });
  const tokens = createTokenStore({ clock, ttlMs: 600_000 });
  const endpoint = registerOAuth2TokenEndpoint(emulator.app, {
    path: '/oauth/token',
    clients: [client],
    tokens,
    ...(options.rotate === undefined ? {} : { rotateRefreshTokens: options.rotate }),
    customGrants: {
      'urn:ietf:params:oauth:grant-type:jwt-bearer': (form) =>
        form.assertion === 'good.jwt'
          ? { principal: 'jwt-user' }
          : { error: 'invalid_grant', description: 'invalid assertion' },
    },
    extraFields: () => ({ instance_url: 'http://instance' }),
  });
  emulator.app.get(
    '/data',
    { preHandler: requireAuth(bearerCheck(tokens), (reply, r) => reply.code(401).send([{ errorCode: r.reason }])) },
    async () => ({ ok: true }),
  );
  const token = (form: Record<string, string>, authorization?: string) =>
    emulator.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        ...(authorization ? { authorization } : {}),
      },
      payload: new URLSearchParams(form).toString(),
    });
  const data = (access: string) =>
    emulator.app.inject({ method: 'GET', url: '/data', headers: { authorization: `Bearer ${access}` } });
  return { clock, emulator, endpoint, token, data };
}

const basic = (id: string, secret: string) =>
  `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;

describe('OAuth2 token endpoint', () => {
  it('client credentials (HTTP Basic or form): an access token that works until it expires on the clock', async () => {
    const s = server();
    const res = await s.token({ grant_type: 'client_credentials', scope: 'api' }, basic(client.id, client.secret));
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({
      token_type: 'Bearer',
      expires_in: 600,
      scope: 'api',
      instance_url: 'http://instance',
    });
    expect((await s.data(body.access_token)).statusCode).toBe(200);
    s.clock.advance(600_000);
    const expired = await s.data(body.access_token);
    expect([expired.statusCode, expired.json()]).toEqual([401, [{ errorCode: 'expired' }]]);
    const form = await s.token({
      grant_type: 'client_credentials',
      client_id: client.id,
      client_secret: client.secret,
    });
    expect(form.statusCode).toBe(200);
    expect(s.endpoint.grants).toEqual(['client_credentials', 'client_credentials']);
  });

  it('refresh tokens rotate: the old one is refused afterwards; without rotation it stays', async () => {
    const s = server();
    const auth = basic(client.id, client.secret);
    const first = (await s.token({ grant_type: 'client_credentials' }, auth)).json();
    const second = await s.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, auth);
    expect(second.statusCode).toBe(200);
    expect(second.json().refresh_token).not.toBe(first.refresh_token);
    const reused = await s.token({ grant_type: 'refresh_token', refresh_token: first.refresh_token }, auth);
    expect([reused.statusCode, reused.json().error]).toEqual([400, 'invalid_grant']);

    const fixed = server({ rotate: false });
    const one = (await fixed.token({ grant_type: 'client_credentials' }, auth)).json();
    const two = (await fixed.token({ grant_type: 'refresh_token', refresh_token: one.refresh_token }, auth)).json();
    expect(two.refresh_token).toBe(one.refresh_token);
  });

  it('answers RFC 6749 errors: invalid_client, unsupported_grant_type; custom grants decide themselves', async () => {
    const s = server();
    const bad = await s.token({ grant_type: 'client_credentials' }, basic(client.id, 'wrong'));
    expect([bad.statusCode, bad.json().error]).toEqual([401, 'invalid_client']);
    const grant = await s.token({ grant_type: 'password' }, basic(client.id, client.secret));
    expect([grant.statusCode, grant.json().error]).toEqual([400, 'unsupported_grant_type']);
    const jwt = 'urn:ietf:params:oauth:grant-type:jwt-bearer';
    const ok = await s.token({ grant_type: jwt, assertion: 'good.jwt' });
    expect(ok.statusCode).toBe(200);
    expect((await s.data(ok.json().access_token)).statusCode).toBe(200);
    const refused = await s.token({ grant_type: jwt, assertion: 'forged' });
    expect([refused.statusCode, refused.json()]).toEqual([
      400,
      { error: 'invalid_grant', error_description: 'invalid assertion' },
    ]);
  });
});
