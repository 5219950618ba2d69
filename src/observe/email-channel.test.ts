import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defineErrors, errorRegistry, ManualClock } from '../sdk/index.js';
import { ChannelError } from './channel.js';
import { createEmailChannel, emailSubject, emailText } from './email-channel.js';
import type { ErrorNotice } from './error-notice.js';
import { createNotifier, type Notifier } from './notifier.js';
import { type EmailChannelConfig, notifyConfigSchema } from './notify-config.js';
import { addNotice, toDigest } from './pending-errors.js';
import { notice, recordingLogger, startSmtpServer, type TestSmtpServer } from './test-helpers.js';

const interval = 15 * 60_000;
let smtp: TestSmtpServer;

beforeEach(async () => {
  smtp = await startSmtpServer();
});

afterEach(async () => {
  await smtp.close();
});

function emailConfig(overrides: Record<string, unknown> = {}): EmailChannelConfig {
  const parsed = notifyConfigSchema.parse({
    interval: '15m',
    email: { host: '127.0.0.1', port: smtp.port, from: 'syncline@example.com', to: ['ops@example.com'], ...overrides },
  });
  return parsed.email as EmailChannelConfig;
}

function digestOf(notices: ErrorNotice[]) {
  let p: ReturnType<typeof addNotice> | undefined;
  for (const n of notices) p = addNotice(p, n, new Date());
  return toDigest(p as NonNullable<typeof p>);
}

function batch(flow: string, from: number, to: number): ErrorNotice[] {
  return Array.from({ length: to - from }, (_, k) => notice(flow, from + k));
}

describe('email channel', () => {
  it('sends a plain-text digest through a real SMTP server', async () => {
    const channel = createEmailChannel(emailConfig());
    const notices = batch('orders', 0, 12).map((n, i) => (i === 0 ? { ...n, errorId: 41 } : n));
    await channel.send(digestOf(notices));
    await channel.close?.();
    expect(smtp.mails).toHaveLength(1);
    const mail = smtp.mails[0];
    expect(mail?.from).toBe('syncline@example.com');
    expect(mail?.to).toEqual(['ops@example.com']);
    expect(mail?.subject).toBe('[syncline] 12 new errors in flow orders');
    const text = mail?.text ?? '';
    expect(text).toContain(
      '12 new errors in flow orders between 2026-01-01T00:00:00.000Z and 2026-01-01T00:00:11.000Z.',
    );
    expect(text).toMatch(/RECORD_BAD_VALUE\s+9\s+errors.list flow=orders status=open code=RECORD_BAD_VALUE\n/);
    expect(text).toMatch(/RECORD_CONSTRAINT\s+3\s+errors.list flow=orders status=open code=RECORD_CONSTRAINT/);
    expect(text).toContain('fix: Correct the value in the source, or adjust the transform.');
    expect(text).toContain('Samples (10 of 12):');
    expect(text).toContain(
      '#41 2026-01-01T00:00:00.000Z run 7, record line:2, step:map: [RECORD_CONSTRAINT] amount "x0" is not a number',
    );
    expect(text).not.toContain('line:12,'); // the 11th error is beyond the samples
    expect(text).toContain('To look:     errors.list flow=orders status=open');
    expect(text).toContain('To retry:    errors.retry');
  });

  it("gives a connector code's fix from the registry the app hands over (the core codes alone know none)", () => {
    const digest = digestOf(batch('orders', 0, 2));
    const fix = 'Correct the value named in the message and retry the error record.';
    expect(emailText(digest)).not.toContain(fix); // RECORD_CONSTRAINT is the SQL connectors' code
    const sql = defineErrors('kit/sql', {
      RECORD_CONSTRAINT: { kind: 'record', summary: 'The destination refused it.', fix },
    });
    expect(emailText(digest, errorRegistry([{ name: 'postgres', errors: [sql] }]))).toContain(`fix: ${fix}`);
  });

  it('formats subject and body for a single error', () => {
    const digest = digestOf(batch('customers', 1, 2));
    expect(emailSubject(digest)).toBe('[syncline] 1 new error in flow customers');
    expect(emailText(digest)).toContain('Samples (1 of 1):');
  });

  it('logs in with user and password', async () => {
    await smtp.close();
    smtp = await startSmtpServer({ user: 'syncline', password: 'pw' });
    await createEmailChannel(emailConfig({ user: 'syncline', password: 'pw' })).send(digestOf(batch('o', 0, 1)));
    expect(smtp.mails).toHaveLength(1);
  });

  it('delivers to the recipients the server takes and logs the ones it refuses', async () => {
    smtp.refuseRecipients = 'no such user';
    smtp.refuseOnly = 'gone@example.com';
    const { log, entries } = recordingLogger();
    const channel = createEmailChannel(emailConfig({ to: ['ops@example.com', 'gone@example.com'] }), { log });
    await channel.send(digestOf(batch('orders', 0, 2)));
    expect(smtp.mails.map((m) => m.to)).toEqual([['ops@example.com']]);
    expect(entries.map((e) => e.message)).toEqual([
      `SMTP server smtp://127.0.0.1:${smtp.port} refused 1 of the recipients (gone@example.com); the others got the message. Check notify.email.to`,
    ]);
  });

  it.each([
    [
      'recipients refused',
      async () => {
        smtp.refuseRecipients = 'mailbox ops@example.com unavailable';
        return emailConfig();
      },
      /^SMTP server smtp:\/\/127\.0\.0\.1:\d+ refused a recipient: it answered "550 mailbox ops@example\.com unavailable"$/,
      'the SMTP server refused the sender or the recipients: check notify.email.from and notify.email.to',
    ],
    [
      'login refused',
      async () => {
        await smtp.close();
        smtp = await startSmtpServer({ user: 'syncline', password: 'right' });
        return emailConfig({ user: 'syncline', password: 'wrong' });
      },
      /^SMTP server smtp:\/\/127\.0\.0\.1:\d+ refused the login: it answered "535 Invalid username or password"$/,
      'the SMTP server refused the login: check notify.email.user and notify.email.password',
    ],
    [
      'nothing listening',
      async () => {
        await smtp.close();
        return emailConfig({ timeoutMs: 2000 });
      },
      /^SMTP server smtp:\/\/127\.0\.0\.1:(\d+) could not be reached: connect ECONNREFUSED 127\.0\.0\.1:\1$/,
      'the SMTP server could not be reached or stopped answering: check notify.email.host and port',
    ],
  ])('fails clearly when %s', async (_name, setup, message, hint) => {
    const config = await setup();
    const error = await createEmailChannel(config)
      .send(digestOf(batch('orders', 0, 1)))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ChannelError);
    const e = error as ChannelError;
    expect(e.message).toMatch(message);
    expect(e.hint).toContain(hint);
    expect(e.channel).toBe('email');
    expect(e.message).not.toContain('wrong'); // no password in messages
  });
});

describe('notifier with a real SMTP server', () => {
  let notifier: Notifier | undefined;
  afterEach(async () => {
    await notifier?.close();
    notifier = undefined;
  });

  it('batches 100 errors into one immediate message and one digest, by the clock', async () => {
    // Only the notifier's timers are driven by hand; smtp-server needs its short timers to greet.
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { log } = recordingLogger();
    const config = notifyConfigSchema.parse({
      interval: '15m',
      email: { host: '127.0.0.1', port: smtp.port, from: 'syncline@example.com', to: 'ops@example.com' },
    });
    notifier = createNotifier({ config, clock, log });
    notifier.record(batch('orders', 0, 1));
    await notifier.settled();
    expect(smtp.mails.map((m) => m.subject)).toEqual(['[syncline] 1 new error in flow orders']);
    notifier.record(batch('orders', 1, 60));
    notifier.record(batch('orders', 60, 100));
    clock.advance(interval - 1000);
    await notifier.settled();
    expect(smtp.mails).toHaveLength(1);
    clock.advance(1000);
    await notifier.settled();
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      '[syncline] 1 new error in flow orders',
      '[syncline] 99 new errors in flow orders',
    ]);
    expect(smtp.mails[1]?.text).toMatch(/RECORD_BAD_VALUE\s+75\s/);
    expect(smtp.mails[1]?.text).toMatch(/RECORD_CONSTRAINT\s+24\s/);
  });

  it('an SMTP server that refuses: logs a clear message, throws nothing, retries at the next interval', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const { log, entries } = recordingLogger();
    const config = notifyConfigSchema.parse({
      interval: '15m',
      email: { host: '127.0.0.1', port: smtp.port, from: 'syncline@example.com', to: 'ops@example.com' },
    });
    notifier = createNotifier({ config, clock, log });
    smtp.refuseRecipients = 'mailbox ops@example.com unavailable';
    expect(() => notifier?.record(batch('orders', 0, 3))).not.toThrow();
    await notifier.settled();
    expect(smtp.attempts).toBe(1);
    expect(smtp.mails).toHaveLength(0);
    const warning = entries.find((e) => e.level === 'warn');
    expect(warning?.message).toMatch(
      /^could not notify 3 new errors in flow orders by email: SMTP server smtp:\/\/127\.0\.0\.1:\d+ refused a recipient: it answered "550 mailbox ops@example\.com unavailable"\. Check: the SMTP server refused the sender or the recipients: check notify\.email\.from and notify\.email\.to, and that the account may send as that sender\. Trying again at 2026-01-01T00:15:00\.000Z/,
    );
    expect(warning?.fields).toMatchObject({ channel: 'email', server: `smtp://127.0.0.1:${smtp.port}`, errors: 3 });

    smtp.refuseRecipients = undefined;
    notifier.record(batch('orders', 3, 5));
    clock.advance(interval - 1);
    await notifier.settled();
    expect(smtp.attempts).toBe(1); // not before the interval
    clock.advance(1);
    await notifier.settled();
    expect(smtp.attempts).toBe(2);
    expect(smtp.mails.map((m) => m.subject)).toEqual(['[syncline] 5 new errors in flow orders']);
    expect(smtp.mails[0]?.text).toContain('record line:2,');
  });
});
