import { createHmac, timingSafeEqual } from 'node:crypto';
import { FlowError, type InboundRequest, parseDuration } from '../../sdk/index.js';

/** A timestamped scheme: the signed text is the timestamp and the body, so a captured request ages out. */
export interface TimestampedAuth {
  readonly type: 'stripe' | 'slack';
  readonly secret: string;
  readonly tolerance: string | number;
}

function refuse(message: string, hint: string): FlowError {
  return new FlowError('WEBHOOK_UNAUTHORIZED', message, { hint });
}

/** The timestamp and candidate signatures a request carries, per scheme; undefined when malformed. */
function signed(auth: TimestampedAuth, headers: InboundRequest['headers']): { t: string; sigs: string[] } {
  if (auth.type === 'stripe') {
    const header = headers['stripe-signature'];
    if (!header)
      throw refuse('the request has no Stripe-Signature header', 'Have Stripe (or the sender) sign the request.');
    const parts = header.split(',').map((p) => p.trim().split('='));
    const t = parts.find(([k]) => k === 't')?.[1];
    const sigs = parts.filter(([k, v]) => k === 'v1' && v !== undefined).map(([, v]) => v as string);
    if (t === undefined || !/^\d{1,12}$/.test(t) || sigs.length === 0) {
      throw refuse(
        'the Stripe-Signature header is not "t=<unix time>,v1=<signature>"',
        'Check that nothing rewrites the header on the way.',
      );
    }
    return { t, sigs };
  }
  const sig = headers['x-slack-signature'];
  const t = headers['x-slack-request-timestamp'];
  if (!sig || !t) {
    throw refuse(
      `the request has no ${sig ? 'X-Slack-Request-Timestamp' : 'X-Slack-Signature'} header`,
      'Slack signs requests with X-Slack-Signature and X-Slack-Request-Timestamp; have the sender send both.',
    );
  }
  if (!/^\d{1,12}$/.test(t) || !sig.startsWith('v0=')) {
    throw refuse(
      'the Slack signature headers are not "v0=<signature>" and a unix time',
      'Check that nothing rewrites the headers on the way.',
    );
  }
  return { t, sigs: [sig.slice(3)] };
}

/**
 * Checks a Stripe- or Slack-style signature: an HMAC-SHA256 (hex) of the timestamp and the raw body
 * (`<t>.<body>` for Stripe, `v0:<t>:<body>` for Slack), compared in constant time, then the timestamp
 * against the server's clock: a request signed more than `tolerance` ago (or ahead) is a replay or a
 * delayed delivery and is refused. Returns the signed timestamp (seconds, as sent).
 */
export function verifyTimestamped(auth: TimestampedAuth, request: InboundRequest): string {
  const { t, sigs } = signed(auth, request.headers);
  const name = auth.type === 'stripe' ? 'Stripe-Signature' : 'X-Slack-Signature';
  const prefix = auth.type === 'stripe' ? `${t}.` : `v0:${t}:`;
  const expected = createHmac('sha256', auth.secret).update(prefix).update(request.body).digest();
  const matches = sigs.some((s) => {
    const given = /^[0-9a-f]{64}$/i.test(s) ? Buffer.from(s, 'hex') : undefined;
    return given !== undefined && timingSafeEqual(given, expected);
  });
  if (!matches) {
    throw refuse(
      `the signature in the ${name} header does not match the body`,
      `Check that sender and connection share the same signing secret and that nothing re-encodes the body on the way (the HMAC covers "${auth.type === 'stripe' ? '<t>.<body>' : 'v0:<t>:<body>'}" with the raw bytes).`,
    );
  }
  const toleranceS = Math.floor((parseDuration(auth.tolerance) ?? 300_000) / 1000);
  const age = Math.round(request.receivedAt.getTime() / 1000) - Number(t);
  if (Math.abs(age) > toleranceS) {
    throw refuse(
      `the request was signed ${Math.abs(age)} s ${age >= 0 ? 'ago' : 'ahead of this server'}; at most ${toleranceS} s are accepted (a replayed or delayed request)`,
      'Senders sign each delivery anew, so a genuine retry passes. If every request is refused, check the clock of this server (NTP) or raise `auth.tolerance`.',
    );
  }
  return t;
}
