import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { FlowError } from '../../sdk/index.js';
import { webhookConnectionConfig } from './connection.js';
import { eventsSourceConfig } from './events-source.js';
import { webhookReceiver } from './webhook-receiver.js';

const SECRET = 'shpss_0123456789abcdef';
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
    const event = hex.accept({ headers: { 'x-signature': sign(body, 'hex') }, body });
    expect(event).toEqual({ eventId: null, payload: { id: 'ord-1', total: 12.5 } });
  });

  it('accepts base64 in a named header (Shopify) and a prefix (GitHub)', () => {
    const shopify = receiver({
      auth: { type: 'hmac-sha256', secret: SECRET, header: 'X-Shopify-Hmac-Sha256', encoding: 'base64' },
    });
    expect(shopify.accept({ headers: { 'x-shopify-hmac-sha256': sign(body, 'base64') }, body }).payload).toEqual({
      id: 'ord-1',
      total: 12.5,
    });
    const github = receiver({
      auth: { type: 'hmac-sha256', secret: SECRET, header: 'X-Hub-Signature-256', prefix: 'sha256=' },
    });
    const headers = { 'x-hub-signature-256': `sha256=${sign(body, 'hex')}` };
    expect(github.accept({ headers, body }).payload).toEqual({ id: 'ord-1', total: 12.5 });
  });

  it('refuses a signature made with another secret, of another body, or in the wrong encoding', () => {
    const wrongSecret = refusal(() => hex.accept({ headers: { 'x-signature': sign(body, 'hex', 'other') }, body }));
    expect(wrongSecret.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(wrongSecret.message).toBe('the signature in the x-signature header does not match the body');
    expect(wrongSecret.hint).toContain('same secret');
    const tampered = Buffer.from('{"id":"ord-1","total":99999}');
    expect(refusal(() => hex.accept({ headers: { 'x-signature': sign(body, 'hex') }, body: tampered })).code).toBe(
      'WEBHOOK_UNAUTHORIZED',
    );
    expect(refusal(() => hex.accept({ headers: { 'x-signature': sign(body, 'base64') }, body })).code).toBe(
      'WEBHOOK_UNAUTHORIZED',
    );
    expect(refusal(() => hex.accept({ headers: { 'x-signature': 'zz' }, body })).code).toBe('WEBHOOK_UNAUTHORIZED');
  });

  it('refuses a request without the signature header, naming the header', () => {
    const e = refusal(() => hex.accept({ headers: {}, body }));
    expect(e.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(e.message).toBe('the request has no x-signature header');
    expect(e.message + (e.hint ?? '')).not.toContain(SECRET);
  });
});

describe('webhook receiver: shared token', () => {
  const token = receiver({ auth: { type: 'token', token: 's3cret-token' } });

  it('accepts the token in x-webhook-token (default) and refuses another', () => {
    expect(token.accept({ headers: { 'x-webhook-token': 's3cret-token' }, body }).payload).toMatchObject({
      id: 'ord-1',
    });
    const e = refusal(() => token.accept({ headers: { 'x-webhook-token': 's3cret-tokeN' }, body }));
    expect(e.code).toBe('WEBHOOK_UNAUTHORIZED');
    expect(e.message).not.toContain('s3cret');
    expect(refusal(() => token.accept({ headers: { 'x-webhook-token': 's3cret-token-and-more' }, body })).code).toBe(
      'WEBHOOK_UNAUTHORIZED',
    );
  });

  it('accepts `Bearer <token>` in the authorization header', () => {
    const bearer = receiver({ auth: { type: 'token', token: 'abc', header: 'Authorization' } });
    expect(bearer.accept({ headers: { authorization: 'Bearer abc' }, body }).payload).toMatchObject({ id: 'ord-1' });
    expect(bearer.accept({ headers: { authorization: 'abc' }, body }).payload).toMatchObject({ id: 'ord-1' });
    expect(refusal(() => bearer.accept({ headers: { authorization: 'Bearer abd' }, body })).code).toBe(
      'WEBHOOK_UNAUTHORIZED',
    );
  });
});

describe('webhook receiver: body and event id', () => {
  const open = receiver({ auth: { type: 'none' }, maxBytes: '1kb', eventIdHeader: 'X-Event-Id' });

  it('refuses a body above maxBytes with WEBHOOK_TOO_LARGE and the sizes', () => {
    const e = refusal(() => open.accept({ headers: {}, body: Buffer.alloc(1025, 32) }));
    expect(e.code).toBe('WEBHOOK_TOO_LARGE');
    expect(e.message).toBe('the body has 1025 bytes; the connection accepts at most 1024');
    expect(open.accept({ headers: {}, body: Buffer.from(`${' '.repeat(1020)}{}`) }).payload).toEqual({});
  });

  it('refuses malformed JSON with WEBHOOK_BAD_PAYLOAD and the parser message', () => {
    const e = refusal(() => open.accept({ headers: {}, body: Buffer.from('{"id": 1,') }));
    expect(e.code).toBe('WEBHOOK_BAD_PAYLOAD');
    expect(e.message).toMatch(/^the body is not valid JSON \(/);
    expect(refusal(() => open.accept({ headers: {}, body: Buffer.alloc(0) })).code).toBe('WEBHOOK_BAD_PAYLOAD');
  });

  it('refuses JSON nested deeper than 256 levels before parsing it; brackets inside strings do not count', () => {
    const e = refusal(() => open.accept({ headers: {}, body: Buffer.from(`${'['.repeat(257)}${']'.repeat(257)}`) }));
    expect(e.code).toBe('WEBHOOK_BAD_PAYLOAD');
    expect(e.message).toBe('the body nests JSON deeper than 256 levels (at byte 256)');
    const strings = JSON.stringify({ s: '\\', t: `"${'['.repeat(300)}` }).slice(0, -1);
    const text = `${strings},"n":${'['.repeat(255)}${']'.repeat(255)}}`;
    expect(open.accept({ headers: {}, body: Buffer.from(text) }).payload).toMatchObject({
      s: '\\',
      t: `"${'['.repeat(300)}`,
    });
  });

  it('takes the event id from the configured header, else from eventIdPath in the body', () => {
    expect(open.accept({ headers: { 'x-event-id': 'evt_1' }, body }).eventId).toBe('evt_1');
    expect(open.accept({ headers: {}, body }).eventId).toBeNull();
    const byPath = receiver({ auth: { type: 'none' } }, { eventIdPath: 'id' });
    expect(byPath.accept({ headers: {}, body }).eventId).toBe('ord-1');
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
