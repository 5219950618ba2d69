import { createHmac, generateKeyPairSync, verify } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Context, type Json, ManualClock, noMetrics, silentLogger, type TokenStore } from '../../../sdk/index.js';
import type { HttpClient } from '../http-client.js';
import { createMasker } from '../mask.js';
import { sendRequest } from '../send-request.js';
import { apiKeyAuth } from './api-key-auth.js';
import type { AuthProvider } from './auth-provider.js';
import { basicAuth } from './basic-auth.js';
import { bearerAuth } from './bearer-auth.js';
import { JWT_BEARER_GRANT, jwtBearerAuth } from './jwt-bearer-auth.js';
import { type RequestSigner, signedAuth } from './signed-auth.js';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const SIGNING_KEY = 'test-signing-key-42';
const issued: { sub: string; aud: string; iss: string; exp: number }[] = [];
let current = '';
let server: Server;
let url = '';

const bodyOf = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    let text = '';
    req.on('data', (c) => {
      text += c;
    });
    req.on('end', () => resolve(text));
  });

/** A Salesforce-like token endpoint (JWT bearer, no refresh token, no expires_in) and two guarded resources. */
beforeAll(async () => {
  server = createServer(async (req, res) => {
    const send = (status: number, body: Json) => {
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    const text = await bodyOf(req);
    if (req.url === '/services/oauth2/token') {
      const form = new URLSearchParams(text);
      const [head = '', claims = '', signature = ''] = (form.get('assertion') ?? '').split('.');
      const ok =
        form.get('grant_type') === JWT_BEARER_GRANT &&
        verify('RSA-SHA256', Buffer.from(`${head}.${claims}`), keys.publicKey, Buffer.from(signature, 'base64url'));
      if (!ok) return send(400, { error: 'invalid_grant', error_description: 'invalid assertion' });
      issued.push(JSON.parse(Buffer.from(claims, 'base64url').toString('utf8')));
      current = `sf-at-${issued.length}`;
      return send(200, { access_token: current, instance_url: 'https://acme.my.salesforce.com', token_type: 'Bearer' });
    }
    if (req.url?.startsWith('/services/data')) {
      if (req.headers.authorization !== `Bearer ${current}`)
        return send(401, [{ message: 'Session expired or invalid', errorCode: 'INVALID_SESSION_ID' }]);
      return send(200, { records: [] });
    }
    if (req.url?.startsWith('/signed')) {
      const expected = createHmac('sha256', SIGNING_KEY)
        .update(`${req.method}\n${url}${req.url}\n${text}`)
        .digest('hex');
      return req.headers['x-test-signature'] === expected
        ? send(200, { ok: true })
        : send(401, { error: 'bad signature' });
    }
    send(200, { headers: req.headers as Json, url: req.url ?? '' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function memoryTokens(): TokenStore & { saved: Map<string, Json> } {
  const saved = new Map<string, Json>();
  return { saved, load: async (k) => saved.get(k), save: async (k, v) => void saved.set(k, v) };
}

function context(clock = new ManualClock(Date.now()), tokens?: TokenStore): Context {
  return {
    runId: 't',
    flow: 't',
    signal: new AbortController().signal,
    clock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: '.',
    ...(tokens ? { tokens } : {}),
  };
}

const client = (auth: AuthProvider): HttpClient => ({
  label: `test ${url}`,
  baseUrl: url,
  headers: {},
  timeoutMs: 5000,
  auth,
  mask: createMasker(auth.secrets, auth.secretParams),
});

describe('kit auth providers', () => {
  it('basic, bearer (also a vendor header) and API key (header or query) decorate the request', async () => {
    const seen = async (auth: AuthProvider) =>
      JSON.parse((await sendRequest(client(auth), { method: 'GET', url: '/echo' }, context())).text) as {
        headers: Record<string, string>;
        url: string;
      };
    expect((await seen(basicAuth('ada', 'pw:1'))).headers.authorization).toBe(
      `Basic ${Buffer.from('ada:pw:1').toString('base64')}`,
    );
    expect((await seen(bearerAuth('t0k'))).headers.authorization).toBe('Bearer t0k');
    expect((await seen(bearerAuth('shpat', { header: 'X-Shopify-Access-Token', scheme: '' }))).headers).toMatchObject({
      'x-shopify-access-token': 'shpat',
    });
    expect((await seen(apiKeyAuth('X-Api-Key', 'k-123'))).headers['x-api-key']).toBe('k-123');
    expect((await seen(apiKeyAuth('api_key', 'k-456', 'query'))).url).toBe('/echo?api_key=k-456');
  });

  it('JWT bearer (RFC 7523, Salesforce): an RS256 assertion the server verifies, the token cached in the store', async () => {
    const tokens = memoryTokens();
    const clock = new ManualClock(Date.now());
    const auth = jwtBearerAuth({
      tokenUrl: `${url}/services/oauth2/token`,
      clientId: '3MVG9-consumer-key',
      subject: 'integration@acme.com',
      audience: 'https://login.salesforce.com',
      privateKey,
      keepFields: ['instance_url'],
      defaultLifetimeMs: 15 * 60_000,
    });
    const before = issued.length;
    const c = client(auth);
    const ctx = context(clock, tokens);
    expect((await sendRequest(c, { method: 'GET', url: '/services/data/v65.0/query' }, ctx)).status).toBe(200);
    expect((await sendRequest(c, { method: 'GET', url: '/services/data/v65.0/query' }, ctx)).status).toBe(200);
    expect(issued.length).toBe(before + 1);
    const claims = issued.at(-1);
    expect(claims).toMatchObject({
      iss: '3MVG9-consumer-key',
      sub: 'integration@acme.com',
      aud: 'https://login.salesforce.com',
    });
    expect((claims?.exp ?? 0) - Math.floor(clock.now().getTime() / 1000)).toBe(180);
    expect((await auth.token(ctx)).fields).toEqual({ instance_url: 'https://acme.my.salesforce.com' });
    // no expires_in: the default lifetime, then a new assertion (there is no refresh token)
    clock.advance(15 * 60_000);
    await sendRequest(c, { method: 'GET', url: '/services/data/v65.0/query' }, ctx);
    expect(issued.length).toBe(before + 2);
    // the session expires server-side: one 401, a new assertion, the request again
    current = 'revoked';
    expect((await sendRequest(c, { method: 'GET', url: '/services/data/v65.0/query' }, ctx)).status).toBe(200);
    expect(issued.length).toBe(before + 3);
    expect(JSON.stringify([...tokens.saved.values()])).not.toContain('PRIVATE KEY');
  });

  it('JWT bearer with a key the server does not trust: HTTP_AUTH naming the endpoint, no key in it', async () => {
    const other = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
      type: 'pkcs8',
      format: 'pem',
    });
    const auth = jwtBearerAuth({
      tokenUrl: `${url}/services/oauth2/token`,
      clientId: 'ck',
      subject: 'u',
      audience: 'https://login.salesforce.com',
      privateKey: other.toString(),
    });
    const error = await sendRequest(client(auth), { method: 'GET', url: '/services/data' }, context()).catch((e) => e);
    expect(error).toMatchObject({ code: 'HTTP_AUTH' });
    expect(error.message).toContain('invalid_grant');
    expect(JSON.stringify(error) + error.message).not.toContain('PRIVATE');
  });

  it('the request-signing hook: a signer sees method, URL with query and body, and its headers are sent', async () => {
    const signer: RequestSigner = {
      sign: (r) => ({
        'X-Test-Signature': createHmac('sha256', SIGNING_KEY)
          .update(`${r.method}\n${r.url}\n${r.body ?? ''}`)
          .digest('hex'),
      }),
      secrets: [SIGNING_KEY],
    };
    const c = client(signedAuth(signer));
    const ok = await sendRequest(c, { method: 'POST', url: '/signed/records?limit=2', body: '{"a":1}' }, context());
    expect(ok.status).toBe(200);
    const unsigned = await sendRequest(
      client(signedAuth({ sign: () => ({}), secrets: [] })),
      { method: 'GET', url: '/signed' },
      context(),
    );
    expect(unsigned.status).toBe(401);
  });
});
