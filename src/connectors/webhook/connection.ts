import { z } from 'zod';
import { durationSchema } from '../../sdk/index.js';
import { byteSizeSchema } from './byte-size.js';

const headerName = z
  .string()
  .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name such as X-Signature')
  .transform((h) => h.toLowerCase());

/**
 * How a sender proves it is who it claims: an HMAC-SHA256 signature of the raw body, a timestamped
 * signature (Stripe's and Slack's schemes: replays outside a tolerance window are refused), or a shared token.
 */
const webhookAuth = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('hmac-sha256'),
      /** The shared signing secret; write it as `${secret:NAME}`. */
      secret: z.string().min(1),
      /** Header carrying the signature. */
      header: headerName.default('x-signature'),
      /** How the signature is written: hex (GitHub, most) or base64 (Shopify). */
      encoding: z.enum(['hex', 'base64']).default('hex'),
      /** Text before the signature in the header, e.g. `sha256=` (GitHub). */
      prefix: z.string().default(''),
    })
    .strict(),
  z
    .object({
      type: z.literal('token'),
      /** The shared token; write it as `${secret:NAME}`. */
      token: z.string().min(1),
      /** Header carrying the token; with `authorization`, `Bearer <token>` is accepted too. */
      header: headerName.default('x-webhook-token'),
    })
    .strict(),
  z
    .object({
      /** Stripe: `Stripe-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>">` (several v1 while a secret rolls). */
      type: z.literal('stripe'),
      /** The endpoint's signing secret (`whsec_…`); write it as `${secret:NAME}`. */
      secret: z.string().min(1),
      /** Requests signed longer ago (or later) than this are refused as replays. */
      tolerance: durationSchema.default('5m'),
    })
    .strict(),
  z
    .object({
      /** Slack: `X-Slack-Signature: v0=<hex HMAC-SHA256 of "v0:<ts>:<body>">` with `X-Slack-Request-Timestamp: <ts>`. */
      type: z.literal('slack'),
      /** The app's signing secret; write it as `${secret:NAME}`. */
      secret: z.string().min(1),
      /** Requests signed longer ago (or later) than this are refused as replays. */
      tolerance: durationSchema.default('5m'),
    })
    .strict(),
  z.object({ type: z.literal('none') }).strict(),
]);

export const webhookConnectionConfig = z
  .object({
    auth: webhookAuth,
    /** Largest body accepted (413 above it). */
    maxBytes: byteSizeSchema.default(1024 * 1024),
    /** Header with the sender's event id: an id accepted before is acknowledged and not processed again. */
    eventIdHeader: headerName.optional(),
  })
  .strict();

export type WebhookConnectionConfig = z.infer<typeof webhookConnectionConfig>;
export type WebhookAuth = z.infer<typeof webhookAuth>;

/** An opened `webhook` connection: its settings (nothing to open; the server does the listening). */
export type WebhookConnection = WebhookConnectionConfig;

export function openWebhookConnection(config: WebhookConnectionConfig): WebhookConnection {
  return config;
}

export async function checkWebhookConnection(): Promise<void> {}

export async function closeWebhookConnection(): Promise<void> {}
