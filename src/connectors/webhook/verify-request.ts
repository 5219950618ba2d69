import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { FlowError, type InboundRequest } from '../../sdk/index.js';
import type { WebhookAuth } from './connection.js';
import { verifyTimestamped } from './timestamped-signature.js';

/** Equal in constant time (for values of any length: both are hashed to 32 bytes first). */
function sameSecret(a: Buffer, b: Buffer): boolean {
  const ha = createHash('sha256').update(a).digest();
  const hb = createHash('sha256').update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}

function refuse(message: string, hint: string): FlowError {
  return new FlowError('WEBHOOK_UNAUTHORIZED', message, { hint });
}

/**
 * Checks a request's signature or token against the connection's secret; throws WEBHOOK_UNAUTHORIZED.
 * Returns the signed timestamp of a timestamped scheme (Stripe, Slack), else undefined.
 */
export function verifyRequest(auth: WebhookAuth, request: InboundRequest): string | undefined {
  if (auth.type === 'none') return undefined;
  if (auth.type === 'stripe' || auth.type === 'slack') return verifyTimestamped(auth, request);
  const sent = request.headers[auth.header];
  if (sent === undefined || sent === '') {
    throw refuse(
      `the request has no ${auth.header} header`,
      auth.type === 'token'
        ? `Have the sender put the shared token in the ${auth.header} header.`
        : `Have the sender sign the raw body with HMAC-SHA256 and put the ${auth.encoding} signature in the ${auth.header} header.`,
    );
  }
  if (auth.type === 'token') {
    const token = Buffer.from(auth.token);
    const bearer = auth.header === 'authorization' && /^bearer /i.test(sent) ? sent.slice(7) : undefined;
    if (sameSecret(Buffer.from(sent), token) || (bearer !== undefined && sameSecret(Buffer.from(bearer), token)))
      return undefined;
    throw refuse(
      `the token in the ${auth.header} header does not match`,
      "Give the sender the token the connection's `auth.token` holds.",
    );
  }
  const expected = createHmac('sha256', auth.secret).update(request.body).digest();
  const text = sent.startsWith(auth.prefix) ? sent.slice(auth.prefix.length).trim() : undefined;
  const given = text === undefined ? undefined : decode(text, auth.encoding);
  if (given !== undefined && given.length === expected.length && timingSafeEqual(given, expected)) return undefined;
  throw refuse(
    `the signature in the ${auth.header} header does not match the body`,
    `Check that sender and connection share the same secret, that the signature is ${auth.encoding}${auth.prefix ? ` after "${auth.prefix}"` : ''}, and that nothing re-encodes the body on the way (the HMAC covers the raw bytes).`,
  );
}

function decode(text: string, encoding: 'hex' | 'base64'): Buffer | undefined {
  if (encoding === 'hex')
    return /^[0-9a-f]+$/i.test(text) && text.length % 2 === 0 ? Buffer.from(text, 'hex') : undefined;
  return /^[A-Za-z0-9+/_-]+={0,2}$/.test(text) ? Buffer.from(text, 'base64') : undefined;
}
