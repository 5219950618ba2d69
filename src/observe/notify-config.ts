import { z } from 'zod';
import { durationSchema, parseDuration } from '../sdk/index.js';

/** `ops@example.com` or `Syncline <ops@example.com>`. */
const emailAddress = z
  .string()
  .trim()
  .regex(
    /^(?:[^<>@]*<\s*[^\s@<>]+@[^\s@<>]+\s*>|[^\s@<>]+@[^\s@<>]+)$/,
    'an email address like ops@example.com (or "Syncline <ops@example.com>")',
  );

/** HTTP header names are tokens (RFC 9110): letters, digits and !#$%&'*+-.^_`|~. */
const headers = z.record(z.string(), z.string()).superRefine((h, ctx) => {
  for (const name of Object.keys(h)) {
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      ctx.addIssue({
        code: 'custom',
        path: [name],
        message: `"${name}" is not a header name: use letters, digits and - (e.g. X-Token), no spaces or ':'`,
      });
    }
  }
});

export const emailChannelConfigSchema = z
  .strictObject({
    host: z.string().min(1).describe('SMTP server host name, e.g. smtp.example.com'),
    port: z
      .number()
      .int()
      .min(1)
      .max(65535)
      .optional()
      .describe('SMTP port; default 465 when secure is true, else 587'),
    secure: z
      .boolean()
      .default(false)
      .describe('true: TLS from the first byte (port 465); false: STARTTLS when the server offers it (ports 587, 25)'),
    user: z.string().min(1).optional().describe('SMTP login; leave out (with password) for a server without login'),
    password: z.string().optional().describe('SMTP password; write ${secret:NAME} rather than the password itself'),
    from: emailAddress.describe('Sender address, e.g. syncline@example.com'),
    to: z
      .union([emailAddress.transform((a) => [a]), z.array(emailAddress).min(1, 'at least one recipient')])
      .describe('Recipient address or list of addresses'),
    timeoutMs: z
      .number()
      .int()
      .min(1000)
      .max(600_000)
      .default(30_000)
      .describe('Give up on the SMTP server after this many ms (connect, greeting, each reply); default 30000'),
  })
  .superRefine((c, ctx) => {
    if (c.user !== undefined && c.password === undefined) {
      ctx.addIssue({ code: 'custom', path: ['password'], message: 'user is set but password is missing: add both' });
    }
    if (c.password !== undefined && c.user === undefined) {
      ctx.addIssue({ code: 'custom', path: ['user'], message: 'password is set but user is missing: add both' });
    }
  })
  .describe('Send notifications by email through an SMTP server');

export const webhookChannelConfigSchema = z
  .strictObject({
    url: z
      .url({ protocol: /^https?$/, error: 'an http(s) URL like https://hooks.example.com/syncline' })
      .describe('Where the JSON digest is POSTed'),
    headers: headers.default({}).describe('Extra request headers, e.g. { X-Token: ${secret:HOOK_TOKEN} }'),
    timeoutMs: z
      .number()
      .int()
      .min(100)
      .max(300_000)
      .default(10_000)
      .describe('Give up on the request after this many ms; default 10000'),
  })
  .describe('Send notifications as a JSON POST');

export const notifyConfigSchema = z
  .strictObject({
    interval: durationSchema
      .refine((d) => (parseDuration(d) ?? 0) >= 1000, 'at least 1s, e.g. 15m')
      .default('15m')
      .describe('At most one message per flow and channel per interval (15m, 1h, …); default 15m'),
    on: z
      .array(z.enum(['errors', 'failed', 'paused'], { error: 'one of errors, failed, paused' }))
      .min(1, 'at least one of errors, failed, paused (or remove notify)')
      .default(['errors', 'failed', 'paused'])
      .describe(
        'What is notified: errors (new error records, batched), failed (a run failed), paused (a run paused); default all three',
      ),
    email: emailChannelConfigSchema.optional(),
    webhook: webhookChannelConfigSchema.optional(),
  })
  .superRefine((c, ctx) => {
    if (c.email === undefined && c.webhook === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message:
          'notify needs at least one channel: add email: { host, from, to } or webhook: { url } (or remove notify)',
      });
    }
  })
  .describe(
    'Notify about new error records (batched to at most one message per flow per interval) and about runs that fail or pause',
  );

export type EmailChannelConfig = z.infer<typeof emailChannelConfigSchema>;
export type WebhookChannelConfig = z.infer<typeof webhookChannelConfigSchema>;
/** The validated `notify:` block. */
export type NotifyConfig = z.infer<typeof notifyConfigSchema>;
/** The `notify:` block as written in a flow file. */
export type NotifyConfigInput = z.input<typeof notifyConfigSchema>;

/** The batching interval in ms. */
export function notifyIntervalMs(config: Pick<NotifyConfig, 'interval'>): number {
  return parseDuration(config.interval) ?? 15 * 60_000;
}
