import { describe, expect, it } from 'vitest';
import { connect, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { startHttpTestServer, TEST_CREDENTIALS } from '../../../test/emulators/http-test-server.js';
import { type AuthProvider, sendRequest } from '../../kit/index.js';
import { ManualClock } from '../../sdk/index.js';
import { checkHttpConnection, httpConnectionConfig, openHttpConnection } from './connection.js';

const t = useHttpTestServer();
const ctx = testContext();
const { user, password, token, apiKey } = TEST_CREDENTIALS;

describe('http connection', () => {
  it('has defaults, lower-cases header names, and refuses allowInsecure and non-http URLs', () => {
    const config = httpConnectionConfig.parse({ baseUrl: 'https://api.example.com/v1/', headers: { 'X-Tenant': 'a' } });
    expect(config).toMatchObject({
      timeoutMs: 30_000,
      auth: { type: 'none' },
      headers: { 'x-tenant': 'a' },
    });
    // unset: `check` requests `/`, and a run does not check at its start
    expect(openHttpConnection(config)).toMatchObject({ checkPath: '/', checkAtRunStart: false });
    expect(() => httpConnectionConfig.parse({ baseUrl: 'https://x', allowInsecure: true })).toThrow(
      /allowInsecure: true is not supported yet/,
    );
    expect(() => httpConnectionConfig.parse({ baseUrl: 'ftp://x' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => httpConnectionConfig.parse({ baseUrl: 'https://x', auth: { type: 'bearer' } })).toThrow();
  });

  it.each([
    ['basic', '/auth/basic', { type: 'basic', user, password }, [password]],
    ['bearer', '/auth/bearer', { type: 'bearer', token }, [token]],
    ['apiKey header', '/auth/key', { type: 'apiKey', name: 'X-Api-Key', value: apiKey }, [apiKey]],
    ['apiKey query', '/auth/key-query', { type: 'apiKey', name: 'api_key', value: apiKey, in: 'query' }, [apiKey]],
  ])(
    '%s auth passes, and wrong credentials fail with HTTP_AUTH without showing them',
    async (_n, path, auth, secrets) => {
      await expect(checkHttpConnection(connect(t.server.url, { auth, checkPath: path }), ctx)).resolves.toBeUndefined();
      const wrong = JSON.parse(JSON.stringify(auth).replaceAll(secrets[0] as string, 'wrong-secret'));
      const error = await checkHttpConnection(connect(t.server.url, { auth: wrong, checkPath: path }), ctx).catch(
        (e) => e,
      );
      expect(error).toMatchObject({
        code: 'HTTP_AUTH',
        kind: 'config',
        message: expect.stringContaining(`GET ${t.server.url}${path}`),
      });
      expect(`${error.message} ${error.where}`).not.toContain('wrong-secret');
    },
  );

  it('check: HEAD works, a 404 is config, a 500 transient, 403 is HTTP_AUTH', async () => {
    await expect(checkHttpConnection(connect(t.server.url, { checkMethod: 'HEAD' }), ctx)).resolves.toBeUndefined();
    await expect(checkHttpConnection(connect(t.server.url, { checkPath: '/status/404' }), ctx)).rejects.toMatchObject({
      code: 'HTTP_REJECTED',
      kind: 'config',
      message: expect.stringMatching(/^check failed: GET .*\/status\/404 answered 404/),
    });
    await expect(checkHttpConnection(connect(t.server.url, { checkPath: '/status/500' }), ctx)).rejects.toMatchObject({
      code: 'TRANSIENT_IO',
      kind: 'transient',
    });
    await expect(
      checkHttpConnection(connect(t.server.url, { checkPath: 'auth/forbidden' }), ctx),
    ).rejects.toMatchObject({
      code: 'HTTP_AUTH',
    });
  });

  it('maps refused, reset and timed-out requests to TRANSIENT_IO and a canceled run to CANCELED', async () => {
    const gone = await startHttpTestServer();
    await gone.close();
    await expect(sendRequest(connect(gone.url), { method: 'GET', url: '/' }, ctx)).rejects.toMatchObject({
      code: 'TRANSIENT_IO',
      message: expect.stringContaining('connection refused'),
      where: `http connection ${gone.url}`,
    });
    await expect(sendRequest(connect(t.server.url), { method: 'GET', url: '/reset' }, ctx)).rejects.toMatchObject({
      code: 'TRANSIENT_IO',
      kind: 'transient',
    });
    await expect(
      sendRequest(connect(t.server.url, { timeoutMs: 30 }), { method: 'GET', url: '/slow?delay=300' }, ctx),
    ).rejects.toMatchObject({ code: 'TRANSIENT_IO', message: expect.stringContaining('timed out after 30 ms') });
    const abort = new AbortController();
    const pending = sendRequest(
      connect(t.server.url),
      { method: 'GET', url: '/slow?delay=300' },
      testContext(undefined, abort.signal),
    );
    abort.abort();
    await expect(pending).rejects.toMatchObject({ code: 'CANCELED' });
  });

  it('times a request out on the context clock: a manual clock passing timeoutMs ends it, without waiting', async () => {
    const clock = new ManualClock();
    const asked = t.server.stats.count('/slow');
    const wall = performance.now();
    const pending = sendRequest(
      connect(t.server.url, { timeoutMs: 5000 }),
      { method: 'GET', url: '/slow?delay=2000' },
      testContext(clock),
    ).catch((e: unknown) => e);
    await expect.poll(() => t.server.stats.count('/slow'), { interval: 5 }).toBe(asked + 1);
    clock.advance(4999);
    clock.advance(1);
    expect(await pending).toMatchObject({
      code: 'TRANSIENT_IO',
      message: expect.stringContaining('timed out after 5000 ms'),
    });
    expect(performance.now() - wall).toBeLessThan(1500);
  });

  it('re-authenticates once after a 401 when the auth provider can', async () => {
    let token = 'stale';
    let calls = 0;
    const auth: AuthProvider = {
      apply: () => ({ headers: { authorization: `Bearer ${token}` }, query: {} }),
      reauthenticate: async () => {
        calls++;
        token = TEST_CREDENTIALS.token;
        return true;
      },
      secrets: [],
      secretParams: [],
    };
    const conn = { ...connect(t.server.url), auth };
    const response = await sendRequest(conn, { method: 'GET', url: '/auth/bearer' }, ctx);
    expect([response.status, calls]).toEqual([200, 1]);
    token = 'stale-again';
    const refused = await sendRequest(
      {
        ...conn,
        auth: {
          ...auth,
          reauthenticate: async () => {
            calls++;
            return false;
          },
        },
      },
      { method: 'GET', url: '/auth/bearer' },
      ctx,
    );
    expect([refused.status, calls]).toEqual([401, 2]);
  });

  it('enforces rateLimit per connection: perSecond with bursts, and concurrency', async () => {
    const limited = connect(t.server.url, { rateLimit: { perSecond: 20, burst: 2 } });
    const started = Date.now();
    await Promise.all(Array.from({ length: 6 }, () => sendRequest(limited, { method: 'GET', url: '/' }, ctx)));
    expect(Date.now() - started).toBeGreaterThanOrEqual(190); // 3 windows of 100 ms: 2 + 2 + 2
    const serial = connect(t.server.url, { rateLimit: { concurrency: 1 } });
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: 3 }, () => sendRequest(serial, { method: 'GET', url: '/slow?delay=40' }, ctx)),
    );
    expect(Date.now() - t0).toBeGreaterThanOrEqual(115);
  });
});
