import { createHmac } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createInboxWriter } from '../app/index.js';
import { webhookConnectionConfig } from '../connectors/webhook/connection.js';
import { eventsSourceConfig } from '../connectors/webhook/events-source.js';
import { webhookReceiver } from '../connectors/webhook/webhook-receiver.js';
import { type LogFields, ManualClock, silentLogger } from '../sdk/index.js';
import { issueApiToken, verifyApiToken } from '../security/api-tokens.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { createServer, type Hook } from './create-server.js';

const SECRET = 'whsec_test';
let store: StateStore;
/** Checks tokens against the current test's store, as `syncline serve` does. */
const verifier = () => async (token: string) => (await verifyApiToken(store, token)) !== undefined;
const dir = mkdtempSync(join(tmpdir(), 'syncline-server-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('hex');

describe('POST /hooks/<flow>', () => {
  let notified: number;
  let warnings: LogFields[];
  let app: ReturnType<typeof createServer>;
  let token: string;

  beforeEach(async () => {
    store = await openStore(join(dir, `state-${++n}.db`));
    token = await issueApiToken(store, 'default', new Date());
    notified = 0;
    warnings = [];
    const receiver = webhookReceiver(
      webhookConnectionConfig.parse({
        auth: { type: 'hmac-sha256', secret: SECRET },
        eventIdHeader: 'X-Event-Id',
        maxBytes: '64kb',
      }),
      eventsSourceConfig.parse({}),
    );
    const hooks = new Map<string, Hook>([['orders', { flow: 'orders', receiver, notify: () => notified++ }]]);
    const log = { ...silentLogger, warn: (fields: LogFields) => warnings.push(fields) };
    app = createServer({
      hooks,
      verifyToken: verifier(),
      inbox: createInboxWriter(store),
      clock: new ManualClock(new Date('2026-01-02T03:04:05Z')),
      log,
    });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const post = (body: string, headers: Record<string, string> = {}, flow = 'orders') =>
    app.inject({
      method: 'POST',
      url: `/hooks/${flow}`,
      payload: body,
      headers: { 'content-type': 'application/json', 'x-signature': sign(body), ...headers },
    });

  it('persists a signed event before answering 202, and notifies the flow', async () => {
    const res = await post('{"id":1,"total":9.5}', { 'x-event-id': 'e-1' });
    expect(res.statusCode).toBe(202);
    const answer = res.json() as { accepted: boolean; seq: number };
    expect(answer).toEqual({ accepted: true, flow: 'orders', seq: expect.any(Number) });
    expect(await store.readInbox('orders', 0, 10)).toEqual([
      { seq: answer.seq, eventId: 'e-1', payload: { id: 1, total: 9.5 }, receivedAt: new Date('2026-01-02T03:04:05Z') },
    ]);
    expect(notified).toBe(1);
  });

  it('commits concurrent requests together, answering each with its own position', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) => post(JSON.stringify({ i }), { 'x-event-id': `c-${i % 150}` })),
    );
    expect(answers.map((a) => a.statusCode).filter((c) => c === 202)).toHaveLength(150);
    expect(answers.map((a) => a.statusCode).filter((c) => c === 200)).toHaveLength(50);
    const stored = await store.readInbox('orders', 0, 1000);
    expect(stored).toHaveLength(150);
    for (const [i, a] of answers.entries()) {
      const first = stored.find((e) => e.eventId === `c-${i % 150}`);
      expect(a.json().seq).toBe(first?.seq);
    }
    expect(notified).toBe(150);
  });

  it('acknowledges a repeated event id with 200 and stores and processes it once', async () => {
    const first = await post('{"id":1}', { 'x-event-id': 'e-1' });
    const again = await post('{"id":1}', { 'x-event-id': 'e-1' });
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ accepted: false, duplicate: true, flow: 'orders', seq: first.json().seq });
    expect(await store.readInbox('orders', 0, 10)).toHaveLength(1);
    expect(notified).toBe(1);
  });

  it('accepts any content type and no content type (the signature covers the raw bytes)', async () => {
    const body = '{"id":2}';
    const text = await app.inject({
      method: 'POST',
      url: '/hooks/orders',
      payload: body,
      headers: { 'content-type': 'text/plain', 'x-signature': sign(body) },
    });
    expect(text.statusCode).toBe(202);
    const none = await app.inject({
      method: 'POST',
      url: '/hooks/orders',
      payload: body,
      headers: { 'x-signature': sign(body) },
    });
    expect(none.statusCode).toBe(202);
  });

  it('answers 401 to a bad signature, with a clear message and nothing stored', async () => {
    const res = await post('{"id":1}', { 'x-signature': sign('{"id":2}') });
    expect(res.statusCode).toBe(401);
    expect(res.json()).toEqual({
      error: {
        code: 'WEBHOOK_UNAUTHORIZED',
        message: 'flow "orders": the signature in the x-signature header does not match the body',
        hint: expect.stringContaining('same secret'),
      },
    });
    expect(res.body).not.toContain(SECRET);
    expect(await store.readInbox('orders', 0, 10)).toEqual([]);
    expect(notified).toBe(0);
    expect(warnings).toEqual([expect.objectContaining({ flow: 'orders', status: 401, code: 'WEBHOOK_UNAUTHORIZED' })]);
  });

  it('answers 400 to malformed JSON', async () => {
    const res = await post('{"id": 1,');
    expect(res.statusCode).toBe(400);
    expect(res.json().error.code).toBe('WEBHOOK_BAD_PAYLOAD');
    expect(res.json().error.message).toMatch(/^flow "orders": the body is not valid JSON/);
  });

  it('answers 400, not 500, to JSON nested 10,000 levels deep, naming the limit', async () => {
    const res = await post(`${'['.repeat(10_000)}${']'.repeat(10_000)}`);
    expect(res.statusCode).toBe(400);
    expect(res.json().error).toMatchObject({
      code: 'WEBHOOK_BAD_PAYLOAD',
      message: 'flow "orders": the body nests JSON deeper than 256 levels (at byte 256)',
    });
    const objects = await post(`${'{"a":'.repeat(300)}1${'}'.repeat(300)}`);
    expect(objects.statusCode).toBe(400);
    expect(await store.readInbox('orders', 0, 10)).toEqual([]);
    const fine = await post(`${'{"a":'.repeat(200)}"[[[{{"${'}'.repeat(200)}`);
    expect(fine.statusCode).toBe(202);
  });

  it('answers 413 to a body above the limit: the connection limit, and a 10 MB body', async () => {
    const big = JSON.stringify({ pad: 'x'.repeat(70_000) });
    const over = await post(big);
    expect(over.statusCode).toBe(413);
    expect(over.json().error).toMatchObject({
      code: 'WEBHOOK_TOO_LARGE',
      message: `flow "orders": the body has ${big.length} bytes; the connection accepts at most 65536`,
    });
    const huge = await post(JSON.stringify({ pad: 'x'.repeat(10 * 1024 * 1024) }));
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('WEBHOOK_TOO_LARGE');
    expect(huge.json().error.message).toContain('flow "orders"');
    expect(await store.readInbox('orders', 0, 10)).toEqual([]);
  });

  it('answers 404 to an unknown flow, naming the webhook flows', async () => {
    const res = await post('{}', {}, 'ordres');
    expect(res.statusCode).toBe(404);
    expect(res.json().error).toEqual({
      code: 'WEBHOOK_NOT_FOUND',
      message: 'flow "ordres": no webhook flow named "ordres"',
      hint: 'Webhook flows here: orders.',
    });
    const other = await app.inject({ method: 'GET', url: '/nothing', headers: { authorization: `Bearer ${token}` } });
    expect(other.statusCode).toBe(404);
    expect(other.json().error.code).toBe('WEBHOOK_NOT_FOUND');
  });

  it('answers 503 with Retry-After when the store cannot take the event: the sender retries, nothing is lost', async () => {
    await store.close();
    const res = await post('{"id":1}');
    expect(res.statusCode).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error.code).toBe('STORE_UNAVAILABLE');
    expect(notified).toBe(0);
    store = await openStore(join(dir, `state-${++n}.db`)); // for afterEach
  });

  it('lists the webhook flows and answers health checks', async () => {
    const auth = { authorization: `Bearer ${token}` };
    expect((await app.inject({ method: 'GET', url: '/hooks', headers: auth })).json()).toEqual({
      hooks: [{ flow: 'orders', path: '/hooks/orders', maxBytes: 65_536 }],
    });
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', hooks: 1 });
  });
});

const chunked = { 'transfer-encoding': 'chunked' };

/** A body of `total` bytes made on demand in 64 KB chunks, counting how many bytes the server pulled. */
function streamed(total: number): { stream: Readable; pulled: () => number } {
  let pulled = 0;
  const chunk = Buffer.alloc(65_536, 32);
  const stream = new Readable({
    read() {
      if (pulled >= total) this.push(null);
      else {
        pulled += chunk.length;
        this.push(chunk);
      }
    },
  });
  return { stream, pulled: () => pulled };
}

describe('body limits per route', () => {
  let app: ReturnType<typeof createServer>;
  let runs: number;
  let auth: Record<string, string>;

  beforeEach(async () => {
    store = await openStore(join(dir, `state-${++n}.db`));
    auth = { authorization: `Bearer ${await issueApiToken(store, 'default', new Date())}` };
    runs = 0;
    const hook = (flow: string, maxBytes: string): [string, Hook] => [
      flow,
      {
        flow,
        receiver: webhookReceiver(
          webhookConnectionConfig.parse({ auth: { type: 'none' }, maxBytes }),
          eventsSourceConfig.parse({}),
        ),
        notify: () => undefined,
      },
    ];
    const hooks = new Map<string, Hook>([hook('small', '1kb'), hook('big', '150mb')]);
    const flows = {
      list: () => [{ flow: 'nightly', schedule: null, timezone: null, nextRun: null }],
      trigger: async () => {
        runs++;
        return 'started' as const;
      },
    };
    app = createServer({
      hooks,
      verifyToken: verifier(),
      flows,
      inbox: createInboxWriter(store),
      clock: new ManualClock(new Date('2026-01-02T03:04:05Z')),
      log: silentLogger,
    });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  it("refuses a body above the flow's own maxBytes with 413 even when another flow accepts 150 MB, reading no further", async () => {
    const declared = await app.inject({ method: 'POST', url: '/hooks/small', payload: Buffer.alloc(2048, 32) });
    expect(declared.statusCode).toBe(413);
    expect(declared.json().error).toMatchObject({
      code: 'WEBHOOK_TOO_LARGE',
      message: 'flow "small": the body has 2048 bytes; the connection accepts at most 1024',
    });
    expect(declared.headers.connection).toBe('close');
    const body = streamed(20 * 1024 * 1024); // chunked: no Content-Length to refuse up front
    const pushed = await app.inject({ method: 'POST', url: '/hooks/small', payload: body.stream, headers: chunked });
    expect(pushed.statusCode).toBe(413);
    expect(pushed.json().error.message).toBe(
      'flow "small": the body has more than 1024 bytes; the connection accepts at most 1024',
    );
    expect(body.pulled()).toBeLessThanOrEqual(4 * 65_536); // stopped after the first chunks, not 20 MB
    expect(await store.readInbox('small', 0, 10)).toEqual([]);
    const big = await app.inject({
      method: 'POST',
      url: '/hooks/big',
      payload: JSON.stringify({ pad: 'x'.repeat(2_000_000) }),
    });
    expect(big.statusCode).toBe(202);
  });

  it('gives control routes and unknown paths a 64 KB limit, whatever the webhook limits', async () => {
    const body = streamed(20 * 1024 * 1024);
    const control = await app.inject({
      method: 'POST',
      url: '/flows/nightly/runs',
      payload: body.stream,
      headers: { ...chunked, ...auth },
    });
    expect(control.statusCode).toBe(413);
    expect(control.json().error).toMatchObject({
      code: 'REQUEST_TOO_LARGE',
      message: 'the body has more than 65536 bytes; POST /flows/nightly/runs accepts at most 65536',
    });
    expect(body.pulled()).toBeLessThanOrEqual(4 * 65_536);
    expect(runs).toBe(0);
    const unknown = await app.inject({ method: 'POST', url: '/hooks/nope', payload: Buffer.alloc(100_000, 32) });
    expect(unknown.statusCode).toBe(413);
    const elsewhere = await app.inject({
      method: 'POST',
      url: '/else',
      payload: Buffer.alloc(100_000, 32),
      headers: auth,
    });
    expect(elsewhere.statusCode).toBe(413);
  });
});

describe('control routes: API token, Host and Origin', () => {
  let app: ReturnType<typeof createServer>;
  let runs: number;
  let token: string;

  beforeEach(async () => {
    store = await openStore(join(dir, `state-${++n}.db`));
    token = await issueApiToken(store, 'default', new Date());
    runs = 0;
    const receiver = webhookReceiver(
      webhookConnectionConfig.parse({ auth: { type: 'none' } }),
      eventsSourceConfig.parse({}),
    );
    const hooks = new Map<string, Hook>([['inbound', { flow: 'inbound', receiver, notify: () => undefined }]]);
    const flows = {
      list: () => [{ flow: 'nightly', schedule: null, timezone: null, nextRun: null }],
      trigger: async () => {
        runs++;
        return 'started' as const;
      },
    };
    app = createServer({
      hooks,
      verifyToken: verifier(),
      flows,
      inbox: createInboxWriter(store),
      clock: new ManualClock(new Date('2026-01-02T03:04:05Z')),
      log: silentLogger,
      allowHosts: ['syncline.internal'],
    });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const start = (headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url: '/flows/nightly/runs', headers: { host: '127.0.0.1:8787', ...headers } });

  it('refuses control requests without the token, or with another, with 401 and a hint; the token starts the run', async () => {
    const none = await start();
    expect(none.statusCode).toBe(401);
    expect(none.headers['www-authenticate']).toBe('Bearer');
    expect(none.json().error).toEqual({
      code: 'API_UNAUTHORIZED',
      message: 'this route needs an API token: send the header Authorization: Bearer <token>',
      hint: expect.stringContaining('rotating it makes a new one'),
      next: [{ action: 'tokens.rotate' }],
    });
    const wrong = await start({ authorization: `Bearer ${token}x` });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().error.message).toBe('the API token does not match');
    expect(wrong.body).not.toContain(token);
    expect((await start({ authorization: token })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/flows' })).statusCode).toBe(401);
    expect((await app.inject({ method: 'GET', url: '/hooks' })).statusCode).toBe(401);
    expect(runs).toBe(0);
    const ok = await start({ authorization: `Bearer ${token}` });
    expect(ok.statusCode).toBe(202);
    expect(runs).toBe(1);
    const list = await app.inject({ method: 'GET', url: '/flows', headers: { authorization: `bearer ${token}` } });
    expect(list.statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).json()).toEqual({ status: 'ok', hooks: 1 });
    const hook = await app.inject({ method: 'POST', url: '/hooks/inbound', payload: '{"id":1}' });
    expect(hook.statusCode).toBe(202); // webhooks keep their own per-flow auth
  });

  it('refuses a Host that is not this server (DNS rebinding) with 403, on every route, even with the token', async () => {
    const auth = { authorization: `Bearer ${token}` };
    const rebound = await start({ ...auth, host: 'attacker.example:8787' });
    expect(rebound.statusCode).toBe(403);
    expect(rebound.json().error).toEqual({
      code: 'REQUEST_FORBIDDEN',
      message: 'the Host header names "attacker.example", which this server does not answer to',
      hint: expect.stringContaining('start it allowing that host name'),
      next: [{ action: 'service.start', allowHost: 'attacker.example' }],
    });
    const hook = await app.inject({
      method: 'POST',
      url: '/hooks/inbound',
      payload: '{}',
      headers: { host: 'attacker.example' },
    });
    expect(hook.statusCode).toBe(403);
    expect(runs).toBe(0);
    for (const host of [
      '127.0.0.1:8787',
      'localhost:8787',
      '[::1]:8787',
      '10.0.0.7',
      'syncline.internal:8787',
      'SYNCLINE.internal.',
    ]) {
      expect((await start({ ...auth, host })).statusCode, host).toBe(202);
    }
  });

  it("refuses requests from a web page of another origin (CSRF) with 403, the server's own origin passes", async () => {
    const auth = { authorization: `Bearer ${token}` };
    for (const origin of ['http://attacker.example', 'null', 'http://127.0.0.1:9999', 'file://', 'not a url']) {
      const res = await start({ ...auth, origin });
      expect(res.statusCode, origin).toBe(403);
      expect(res.json().error.code).toBe('REQUEST_FORBIDDEN');
    }
    expect(runs).toBe(0);
    expect((await start({ ...auth, origin: 'http://127.0.0.1:8787' })).statusCode).toBe(202);
    expect((await start({ ...auth, host: 'localhost', origin: 'http://localhost' })).statusCode).toBe(202);
  });

  it('lets 500 cross-origin requests start no run and store no record', async () => {
    const attempts = Array.from({ length: 500 }, (_, i) => {
      const kind = i % 4;
      const headers: Record<string, string> =
        kind === 0
          ? { origin: 'http://attacker.example', 'content-type': 'text/plain' } // a form post from a page
          : kind === 1
            ? { host: 'attacker.example:8787', 'content-type': 'text/plain' } // the same page after DNS rebinding
            : kind === 2
              ? { origin: 'http://attacker.example', authorization: 'Bearer guess' }
              : { origin: 'null' };
      const url = i % 5 === 0 ? '/hooks/inbound' : '/flows/nightly/runs';
      return app.inject({
        method: 'POST',
        url,
        payload: '{"junk":true}',
        headers: { host: '127.0.0.1:8787', ...headers },
      });
    });
    const answers = await Promise.all(attempts);
    expect(answers.filter((a) => a.statusCode < 400)).toHaveLength(0);
    expect(runs).toBe(0);
    expect(await store.readInbox('inbound', 0, 1000)).toEqual([]);
  });
});

describe('POST /hooks/<flow> with a timestamped signature (Stripe)', () => {
  const WHSEC = 'whsec_replay';
  let app: ReturnType<typeof createServer>;
  let clock: ManualClock;
  let notified: number;

  beforeEach(async () => {
    store = await openStore(join(dir, `state-${++n}.db`));
    clock = new ManualClock(new Date('2026-01-02T03:04:05Z'));
    notified = 0;
    const receiver = webhookReceiver(
      webhookConnectionConfig.parse({ auth: { type: 'stripe', secret: WHSEC, tolerance: '5m' } }),
      eventsSourceConfig.parse({}),
    );
    const hooks = new Map<string, Hook>([['payments', { flow: 'payments', receiver, notify: () => notified++ }]]);
    app = createServer({ hooks, verifyToken: verifier(), inbox: createInboxWriter(store), clock, log: silentLogger });
  });
  afterEach(async () => {
    await app.close();
    await store.close();
  });

  const signed = (body: string, t: number) =>
    `t=${t},v1=${createHmac('sha256', WHSEC).update(`${t}.${body}`).digest('hex')}`;
  const post = (body: string, signature: string, headers: Record<string, string> = {}) =>
    app.inject({
      method: 'POST',
      url: '/hooks/payments',
      payload: body,
      headers: { 'stripe-signature': signature, ...headers },
    });

  it('acknowledges a replay inside the window once, refuses it after the window, and takes a new delivery of the same body', async () => {
    const body = '{"amount":500,"currency":"eur"}';
    const t = Math.floor(clock.now().getTime() / 1000);
    const captured = signed(body, t);
    const first = await post(body, captured);
    expect(first.statusCode).toBe(202);
    clock.advance(60_000);
    // a captured request replayed with a new event id header: the sender has no event id, so it is known by what was signed
    const replay = await post(body, captured, { 'x-event-id': 'evil-1' });
    expect(replay.statusCode).toBe(200);
    expect(replay.json()).toEqual({ accepted: false, duplicate: true, flow: 'payments', seq: first.json().seq });
    clock.advance(5 * 60_000);
    const late = await post(body, captured, { 'x-event-id': 'evil-2' });
    expect(late.statusCode).toBe(401);
    expect(late.json().error).toMatchObject({
      code: 'WEBHOOK_UNAUTHORIZED',
      message:
        'flow "payments": the request was signed 360 s ago; at most 300 s are accepted (a replayed or delayed request)',
    });
    const fresh = await post(body, signed(body, t + 360));
    expect(fresh.statusCode).toBe(202);
    expect((await store.readInbox('payments', 0, 10)).map((e) => e.payload)).toEqual([
      { amount: 500, currency: 'eur' },
      { amount: 500, currency: 'eur' },
    ]);
    expect(notified).toBe(2);
  });
});
