import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowError } from '../../sdk/index.js';
import { webhookConnectionConfig } from './connection.js';
import { eventsSourceConfig } from './events-source.js';
import { webhookReceiver } from './webhook-receiver.js';

const SECRET = 'shpss_0123456789abcdef';
const now = new Date('2026-03-01T12:00:00Z');
const body = Buffer.from('{"id":"ord-1","total":12.5}');
const sign = (b: Buffer, encoding: 'hex' | 'base64', secret = SECRET) =>
  createHmac('sha256', secret).update(b).digest(encoding);

function receiver(connection: unknown, source: unknown = {}) {
  return webhookReceiver(webhookConnectionConfig.parse(connection), eventsSourceConfig.parse(source));
}

function refusal(fn: () => unknown): FlowError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlowError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('webhook receiver: HMAC-SHA256 signatures', () => {
  const hex = receiver({ auth: { type: 'hmac-sha256', secret: SECRET } });

  it('accepts a hex signature of the raw body in x-signature (default)', () => {
    const event = hex.accept({ receivedAt: now, headers: { 'x-signature': sign(body, 'hex') }, body });
    expect(event).toEqual({ eventId: null, payload: { id: 'ord-1', total: 12.5 } });
  });

  it('accepts base64 in a named header (Shopify) and a prefix (GitHub)', () => {
    const shopify = receiver({
      auth: { type: 'hmac-sha256', secret: SECRET, header: 'X-Shopify-Hmac-Sha256', encoding: 'base64' },
    });
    expect(
      shopify.accept({ receivedAt: now, headers: { 'x-shopify-hmac-sha256': sign(body, 'base64') }, body }).payload,
    ).toEqual({
      id: 'ord-1',
      total: 12.5,
    });
    const github = receiver({
      auth: { type: 'hmac-sha256', secret: SECRET, header: 'X-Hub-Signature-256', prefix: 'sha256=' },
    });
    const headers = { 'x-hub-signature-256': `sha256=${sign(body, 'hex')}` };
    expect(github.accept({ receivedAt: now, headers, body }).payload).toEqual({ id: 'ord-1', total: 12.5 });
  });

  it('refuses a signature made with another secret, of another body, or in the wrong encoding', () => {
    const wrongSecret = refusal(() =>
      hex.accept({ receivedAt: now, headers: { 'x-signature': sign(body, 'hex', 'other') }, body }),
    );
    expect(wrongSecret.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(wrongSecret.message).toBe('the signature in the x-signature header does not match the body');
    expect(wrongSecret.hint).toContain('same secret');
    const tampered = Buffer.from('{"id":"ord-1","total":99999}');
    expect(
      refusal(() => hex.accept({ receivedAt: now, headers: { 'x-signature': sign(body, 'hex') }, body: tampered }))
        .code,
    ).toBe('WEBHOOK_UNAUTHORIZED');
    expect(
      refusal(() => hex.accept({ receivedAt: now, headers: { 'x-signature': sign(body, 'base64') }, body })).code,
    ).toBe('WEBHOOK_UNAUTHORIZED');
    expect(refusal(() => hex.accept({ receivedAt: now, headers: { 'x-signature': 'zz' }, body })).code).toBe(
      'WEBHOOK_UNAUTHORIZED',
    );
  });

  it('refuses a request without the signature header, naming the header', () => {
    const e = refusal(() => hex.accept({ receivedAt: now, headers: {}, body }));
    expect(e.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(e.message).toBe('the request has no x-signature header');
    expect(e.message + (e.hint ?? '')).not.toContain(SECRET);
  });
});

describe('webhook receiver: timestamped signatures (Stripe, Slack)', () => {
  const WHSEC = 'whsec_abc123';
  const t = Math.floor(now.getTime() / 1000);
  const hmac = (text: string, secret = WHSEC) => createHmac('sha256', secret).update(text).digest('hex');
  const stripeHeader = (at: number, b: Buffer = body, secret = WHSEC) => `t=${at},v1=${hmac(`${at}.${b}`, secret)}`;
  const stripe = receiver({ auth: { type: 'stripe', secret: WHSEC } });
  const at = (seconds: number) => new Date(now.getTime() + seconds * 1000);

  it('accepts Stripe\'s t=…,v1=… signature of "<t>.<body>", any of several v1 (a rolled secret), within the window', () => {
    const event = stripe.accept({ receivedAt: now, headers: { 'stripe-signature': stripeHeader(t) }, body });
    expect(event.payload).toEqual({ id: 'ord-1', total: 12.5 });
    const rolled = `t=${t},v1=${hmac(`${t}.${body}`, 'whsec_old')},v1=${hmac(`${t}.${body}`)},v0=ignored`;
    expect(stripe.accept({ receivedAt: at(299), headers: { 'stripe-signature': rolled }, body }).payload).toMatchObject(
      {
        id: 'ord-1',
      },
    );
  });

  it('refuses a Stripe request signed outside the tolerance window (a replay), before or after, naming the age', () => {
    const old = refusal(() =>
      stripe.accept({ receivedAt: at(301), headers: { 'stripe-signature': stripeHeader(t) }, body }),
    );
    expect(old.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(old.message).toBe(
      'the request was signed 301 s ago; at most 300 s are accepted (a replayed or delayed request)',
    );
    const ahead = refusal(() =>
      stripe.accept({ receivedAt: at(-400), headers: { 'stripe-signature': stripeHeader(t) }, body }),
    );
    expect(ahead.message).toContain('signed 400 s ahead of this server');
    const wide = receiver({ auth: { type: 'stripe', secret: WHSEC, tolerance: '10m' } });
    expect(
      wide.accept({ receivedAt: at(301), headers: { 'stripe-signature': stripeHeader(t) }, body }).payload,
    ).toBeTruthy();
  });

  it('refuses a Stripe signature of another body, secret or timestamp, and a malformed or missing header', () => {
    const headers = (h: string) => ({ 'stripe-signature': h });
    const other = refusal(() =>
      stripe.accept({ receivedAt: now, headers: headers(stripeHeader(t, body, 'nope')), body }),
    );
    expect(other.message).toBe('the signature in the Stripe-Signature header does not match the body');
    // the timestamp is signed: moving it forward to pass the window breaks the signature
    const moved = stripeHeader(t - 3600).replace(`t=${t - 3600}`, `t=${t}`);
    expect(refusal(() => stripe.accept({ receivedAt: now, headers: headers(moved), body })).message).toContain(
      'does not match',
    );
    expect(refusal(() => stripe.accept({ receivedAt: now, headers: headers(`v1=${hmac('x')}`), body })).message).toBe(
      'the Stripe-Signature header is not "t=<unix time>,v1=<signature>"',
    );
    expect(refusal(() => stripe.accept({ receivedAt: now, headers: {}, body })).message).toBe(
      'the request has no Stripe-Signature header',
    );
    expect(other.message + (other.hint ?? '')).not.toContain(WHSEC);
  });

  it('checks Slack\'s v0=HMAC("v0:<ts>:<body>") with X-Slack-Request-Timestamp, and its window', () => {
    const slack = receiver({ auth: { type: 'slack', secret: WHSEC } });
    const headers = (ts: number, sig = hmac(`v0:${ts}:${body}`)) => ({
      'x-slack-signature': `v0=${sig}`,
      'x-slack-request-timestamp': String(ts),
    });
    expect(slack.accept({ receivedAt: now, headers: headers(t), body }).payload).toMatchObject({ id: 'ord-1' });
    expect(refusal(() => slack.accept({ receivedAt: at(600), headers: headers(t), body })).message).toBe(
      'the request was signed 600 s ago; at most 300 s are accepted (a replayed or delayed request)',
    );
    expect(refusal(() => slack.accept({ receivedAt: now, headers: headers(t, hmac('v0:1:x')), body })).message).toBe(
      'the signature in the X-Slack-Signature header does not match the body',
    );
    expect(
      refusal(() => slack.accept({ receivedAt: now, headers: { 'x-slack-signature': `v0=${hmac('x')}` }, body }))
        .message,
    ).toBe('the request has no X-Slack-Request-Timestamp header');
  });

  it('without an event id, names a request by its signed timestamp and body hash: a replay repeats it, a new delivery does not', () => {
    const first = stripe.accept({ receivedAt: now, headers: { 'stripe-signature': stripeHeader(t) }, body });
    const replay = stripe.accept({ receivedAt: at(60), headers: { 'stripe-signature': stripeHeader(t) }, body });
    const resent = stripe.accept({ receivedAt: at(60), headers: { 'stripe-signature': stripeHeader(t + 60) }, body });
    expect(first.eventId).toMatch(new RegExp(`^signed:${t}:[0-9a-f]{64}$`));
    expect(replay.eventId).toBe(first.eventId);
    expect(resent.eventId).not.toBe(first.eventId);
    const byId = receiver({ auth: { type: 'stripe', secret: WHSEC } }, { eventIdPath: 'id' });
    expect(byId.accept({ receivedAt: now, headers: { 'stripe-signature': stripeHeader(t) }, body }).eventId).toBe(
      'ord-1',
    );
  });
});

describe('webhook receiver: shared token', () => {
  const token = receiver({ auth: { type: 'token', token: 's3cret-token' } });

  it('accepts the token in x-webhook-token (default) and refuses another', () => {
    expect(
      token.accept({ receivedAt: now, headers: { 'x-webhook-token': 's3cret-token' }, body }).payload,
    ).toMatchObject({
      id: 'ord-1',
    });
    const e = refusal(() => token.accept({ receivedAt: now, headers: { 'x-webhook-token': 's3cret-tokeN' }, body }));
    expect(e.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(e.message).not.toContain('s3cret');
    expect(
      refusal(() => token.accept({ receivedAt: now, headers: { 'x-webhook-token': 's3cret-token-and-more' }, body }))
        .code,
    ).toBe('WEBHOOK_UNAUTHORIZED');
  });

  it('accepts `Bearer <token>` in the authorization header', () => {
    const bearer = receiver({ auth: { type: 'token', token: 'abc', header: 'Authorization' } });
    expect(bearer.accept({ receivedAt: now, headers: { authorization: 'Bearer abc' }, body }).payload).toMatchObject({
      id: 'ord-1',
    });
    expect(bearer.accept({ receivedAt: now, headers: { authorization: 'abc' }, body }).payload).toMatchObject({
      id: 'ord-1',
    });
    expect(refusal(() => bearer.accept({ receivedAt: now, headers: { authorization: 'Bearer abd' }, body })).code).toBe(
      'WEBHOOK_UNAUTHORIZED',
    );
  });
});

describe('webhook receiver: body and event id', () => {
  const open = receiver({ auth: { type: 'none' }, maxBytes: '1kb', eventIdHeader: 'X-Event-Id' });

  it('refuses a body above maxBytes with WEBHOOK_TOO_LARGE and the sizes', () => {
    const e = refusal(() => open.accept({ receivedAt: now, headers: {}, body: Buffer.alloc(1025, 32) }));
    expect(e.code).toBe('WEBHOOK_TOO_LARGE');
    expect(e.message).toBe('the body has 1025 bytes; the connection accepts at most 1024');
    expect(open.accept({ receivedAt: now, headers: {}, body: Buffer.from(`${' '.repeat(1020)}{}`) }).payload).toEqual(
      {},
    );
  });

  it('refuses malformed JSON with WEBHOOK_BAD_PAYLOAD and the parser message', () => {
    const e = refusal(() => open.accept({ receivedAt: now, headers: {}, body: Buffer.from('{"id": 1,') }));
    expect(e.code).toBe('WEBHOOK_BAD_PAYLOAD');
    expect(e.message).toMatch(/^the body is not valid JSON \(/);
    expect(refusal(() => open.accept({ receivedAt: now, headers: {}, body: Buffer.alloc(0) })).code).toBe(
      'WEBHOOK_BAD_PAYLOAD',
    );
  });

  it('refuses JSON nested deeper than 256 levels before parsing it; brackets inside strings do not count', () => {
    const e = refusal(() =>
      open.accept({ receivedAt: now, headers: {}, body: Buffer.from(`${'['.repeat(257)}${']'.repeat(257)}`) }),
    );
    expect(e.code).toBe('WEBHOOK_BAD_PAYLOAD');
    expect(e.message).toBe('the body nests JSON deeper than 256 levels (at byte 256)');
    const strings = JSON.stringify({ s: '\\', t: `"${'['.repeat(300)}` }).slice(0, -1);
    const text = `${strings},"n":${'['.repeat(255)}${']'.repeat(255)}}`;
    expect(open.accept({ receivedAt: now, headers: {}, body: Buffer.from(text) }).payload).toMatchObject({
      s: '\\',
      t: `"${'['.repeat(300)}`,
    });
  });

  it('takes the event id from the configured header, else from eventIdPath in the body', () => {
    expect(open.accept({ receivedAt: now, headers: { 'x-event-id': 'evt_1' }, body }).eventId).toBe('evt_1');
    expect(open.accept({ receivedAt: now, headers: {}, body }).eventId).toBeNull();
    const byPath = receiver({ auth: { type: 'none' } }, { eventIdPath: 'id' });
    expect(byPath.accept({ receivedAt: now, headers: {}, body }).eventId).toBe('ord-1');
  });

  it('exposes the micro-batch settings and retention', () => {
    expect(open).toMatchObject({ maxBytes: 1024, batchSize: 100, maxWaitMs: 1000, retentionMs: 7 * 86_400_000 });
    const custom = receiver({ auth: { type: 'none' } }, { batch: { size: 5, maxWait: '250ms' }, retention: '1d' });
    expect(custom).toMatchObject({ maxBytes: 1024 * 1024, batchSize: 5, maxWaitMs: 250, retentionMs: 86_400_000 });
  });

  it('rejects bad settings: unknown auth type, bad header name, bad size', () => {
    expect(webhookConnectionConfig.safeParse({ auth: { type: 'hmac' } }).success).toBe(false);
    expect(webhookConnectionConfig.safeParse({ auth: { type: 'none' }, eventIdHeader: 'bad header' }).success).toBe(
      false,
    );
    expect(webhookConnectionConfig.safeParse({ auth: { type: 'none' }, maxBytes: '1gb' }).success).toBe(false);
    expect(webhookConnectionConfig.safeParse({ auth: { type: 'hmac-sha256', secret: '' } }).success).toBe(false);
  });
});
