import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../sdk/index.js';
import { ChannelError, safeUrl } from './channel.js';
import type { ErrorDigestJson, ErrorNotice } from './error-notice.js';
import { createNotifier, type Notifier } from './notifier.js';
import { notifyConfigSchema, type WebhookChannelConfig } from './notify-config.js';
import { addNotice, toDigest } from './pending-errors.js';
import { notice, recordingLogger, startHttpServer, type TestHttpServer } from './test-helpers.js';
import { createWebhookChannel } from './webhook-channel.js';

const interval = 15 * 60_000;
let http: TestHttpServer;

beforeEach(async () => {
  http = await startHttpServer();
});

afterEach(async () => {
  await http.close();
});

function webhookConfig(overrides: Record<string, unknown> = {}): WebhookChannelConfig {
  return notifyConfigSchema.parse({ webhook: { url: http.url, ...overrides } }).webhook as WebhookChannelConfig;
}

function batch(flow: string, from: number, to: number): ErrorNotice[] {
  return Array.from({ length: to - from }, (_, k) => notice(flow, from + k));
}

function digestOf(notices: ErrorNotice[]) {
  let p: ReturnType<typeof addNotice> | undefined;
  for (const n of notices) p = addNotice(p, n, new Date());
  return toDigest(p as NonNullable<typeof p>);
}

describe('webhook channel', () => {
  it('POSTs the digest as JSON with the configured headers', async () => {
    const channel = createWebhookChannel(webhookConfig({ headers: { 'X-Token': 't0ken' } }));
    await channel.send(digestOf(batch('orders', 0, 12)));
    expect(http.requests).toHaveLength(1);
    const req = http.requests[0];
    expect(req?.method).toBe('POST');
    expect(req?.url).toBe('/hooks/syncline');
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['x-token']).toBe('t0ken');
    const body = JSON.parse(req?.body ?? '') as ErrorDigestJson;
    expect(body).toMatchObject({
      event: 'syncline.errors',
      flow: 'orders',
      count: 12,
      firstAt: '2026-01-01T00:00:00.000Z',
      lastAt: '2026-01-01T00:00:11.000Z',
      codes: { RECORD_BAD_VALUE: 9, RECORD_CONSTRAINT: 3 },
      moreErrors: 2,
      commands: { list: 'errors.list flow=orders status=open' },
    });
    expect(body.samples).toHaveLength(10);
    expect(body.samples[1]).toEqual({
      runId: 7,
      code: 'RECORD_BAD_VALUE',
      stage: 'step:map',
      recordId: 'line:3',
      message: 'amount "x1" is not a number',
      at: '2026-01-01T00:00:01.000Z',
    });
  });

  it('fails on a 500 with the status and an excerpt of the body', async () => {
    http.respond = (_req, res) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`database down\n${'x'.repeat(1000)}`);
    };
    const error = await createWebhookChannel(webhookConfig())
      .send(digestOf(batch('orders', 0, 1)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    const e = error as ChannelError;
    expect(e.message).toMatch(
      /^webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500 Internal Server Error: database down x+…$/,
    );
    expect(e.message.length).toBeLessThan(420);
    expect(e.hint).toBe('check notify.webhook.url and headers, and that the receiver is up and answers 2xx');
  });

  it.each([
    [401, 'the receiver refused the credentials: check notify.webhook.headers (token)'],
    [302, 'the URL redirects: use the final URL in notify.webhook.url'],
  ])('names what to check on HTTP %i', async (status, hint) => {
    http.respond = (_req, res) => {
      res.writeHead(status, { location: 'http://127.0.0.1:1/elsewhere' }).end();
    };
    const error = (await createWebhookChannel(webhookConfig())
      .send(digestOf(batch('orders', 0, 1)))
      .catch((e: unknown) => e)) as ChannelError;
    expect(error.message).toMatch(new RegExp(`answered HTTP ${status}`));
    expect(error.hint).toBe(hint);
    expect(http.requests).toHaveLength(1); // a redirect is not followed
  });

  it('times out on a receiver that does not answer', async () => {
    http.respond = () => {}; // never answers
    const clock = new ManualClock(Date.UTC(2026, 0, 1)); // the limit is a timer on the notifier's clock
    const asked = http.requests.length;
    const wall = performance.now();
    const sending = createWebhookChannel(webhookConfig({ timeoutMs: 60_000 }), clock)
      .send(digestOf(batch('orders', 0, 1)))
      .catch((e: unknown) => e);
    await expect.poll(() => http.requests.length, { interval: 5 }).toBe(asked + 1);
    clock.advance(59_999);
    clock.advance(1);
    const error = (await sending) as ChannelError;
    expect(performance.now() - wall).toBeLessThan(1000);
    expect(error.message).toMatch(/^webhook http:\/\/127\.0\.0\.1:\d+\/… did not answer within 60000 ms$/);
    expect(error.hint).toContain('raise notify.webhook.timeoutMs');
  });

  it('fails clearly when nothing listens', async () => {
    await http.close();
    const error = (await createWebhookChannel(webhookConfig())
      .send(digestOf(batch('orders', 0, 1)))
      .catch((e: unknown) => e)) as ChannelError;
    expect(error.message).toMatch(/^webhook http:\/\/127\.0\.0\.1:(\d+)\/… could not be reached: .*ECONNREFUSED/);
    http = await startHttpServer(); // for afterEach
  });

  it('keeps paths and queries (often tokens) out of what it logs', () => {
    expect(safeUrl('https://hooks.slack.com/services/T0/B0/secret?x=1')).toBe('https://hooks.slack.com/…');
    expect(safeUrl('https://hooks.example.com')).toBe('https://hooks.example.com');
  });
});

describe('notifier with a real webhook receiver', () => {
  let notifier: Notifier | undefined;
  afterEach(async () => {
    await notifier?.close();
    notifier = undefined;
  });

  it('a receiver answering 500: logs, throws nothing, retries at the next interval with everything', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { log, entries } = recordingLogger();
    const config = notifyConfigSchema.parse({ interval: '15m', webhook: { url: http.url } });
    notifier = createNotifier({ config, clock, log });
    http.respond = (_req, res) => {
      res.writeHead(500).end('try later');
    };
    expect(() => notifier?.record([...batch('orders', 0, 2), ...batch('customers', 0, 1)])).not.toThrow();
    await notifier.settled();
    expect(http.requests).toHaveLength(2);
    const warnings = entries.filter((e) => e.level === 'warn');
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /^could not notify 2 new errors in flow orders by webhook: webhook http:\/\/127\.0\.0\.1:\d+\/… answered HTTP 500 Internal Server Error: try later\. Check: check notify\.webhook\.url and headers, and that the receiver is up and answers 2xx\. Trying again at 2026-01-01T00:15:00\.000Z/,
      ),
      expect.stringMatching(/^could not notify 1 new error in flow customers by webhook: /),
    ]);
    expect(JSON.stringify(warnings)).not.toContain('/hooks/syncline'); // the path may be a secret

    http.respond = (_req, res) => {
      res.writeHead(200).end('ok');
    };
    notifier.record(batch('orders', 2, 5));
    clock.advance(interval);
    await notifier.settled();
    const bodies = http.requests.slice(2).map((r) => JSON.parse(r.body) as ErrorDigestJson);
    // the two flows' retries fall due at the same instant and are sent at once: in either order
    expect(bodies.map((b) => [b.flow, b.count]).sort()).toEqual([
      ['customers', 1],
      ['orders', 5],
    ]);
    const orders = bodies.find((b) => b.flow === 'orders');
    expect(orders?.samples.map((s) => s.recordId)).toEqual(['line:2', 'line:3', 'line:4', 'line:5', 'line:6']);
  });
});
