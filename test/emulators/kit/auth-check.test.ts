import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { bearerToken, requireAuth, signatureCheck } from './auth-check.js';
import { createEmulatorApp } from './emulator-app.js';

describe('auth checks', () => {
  it('a signature verifier hook sees method, absolute URL and headers; refusals take the vendor shape', async () => {
    const { app } = createEmulatorApp();
    const sign = (method: string, url: string) => createHmac('sha256', 'k').update(`${method}&${url}`).digest('hex');
    const check = signatureCheck(({ method, url, headers }) =>
      headers['x-signature'] === undefined
        ? { ok: false, reason: 'missing', message: 'unsigned' }
        : headers['x-signature'] === sign(method, url)
          ? { ok: true, principal: 'signed' }
          : { ok: false, reason: 'invalid', message: 'bad signature' },
    );
    app.get(
      '/rec',
      {
        preHandler: requireAuth(check, (reply, refusal) =>
          reply.code(401).send({ 'o:errorDetails': [{ detail: refusal.message, 'o:errorCode': 'INVALID_LOGIN' }] }),
        ),
      },
      async () => ({ ok: true }),
    );
    const good = sign('GET', 'http://emu.test/rec?a=1');
    const ok = await app.inject({ url: '/rec?a=1', headers: { host: 'emu.test', 'x-signature': good } });
    expect(ok.statusCode).toBe(200);
    const tampered = await app.inject({ url: '/rec?a=2', headers: { host: 'emu.test', 'x-signature': good } });
    expect([tampered.statusCode, tampered.json()]).toEqual([
      401,
      { 'o:errorDetails': [{ detail: 'bad signature', 'o:errorCode': 'INVALID_LOGIN' }] },
    ]);
    expect((await app.inject({ url: '/rec', headers: { host: 'emu.test' } })).json()['o:errorDetails'][0].detail).toBe(
      'unsigned',
    );
  });

  it('reads bearer tokens, scheme in any case', async () => {
    const { app } = createEmulatorApp();
    app.get('/t', async (req) => ({ token: bearerToken(req) ?? null }));
    const token = async (authorization?: string) =>
      (await app.inject({ url: '/t', headers: authorization ? { authorization } : {} })).json().token;
    expect(await token('Bearer abc')).toBe('abc');
    expect(await token('bearer  abc ')).toBe('abc');
    expect(await token('Basic abc')).toBeNull();
    expect(await token()).toBeNull();
  });
});
