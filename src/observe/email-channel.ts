import nodemailer from 'nodemailer';
import {
  actionText,
  coreErrors,
  type ErrorRegistry,
  type Logger,
  type RenderAction,
  silentLogger,
  stageText,
} from '../sdk/index.js';
import { type Channel, ChannelError } from './channel.js';
import { digestCommands, digestTitle, type ErrorDigest, listAction, shortMessage } from './error-notice.js';
import type { EmailChannelConfig } from './notify-config.js';
import { type RunMessage, runMessageText, runTitle } from './run-notice.js';

/** `[syncline] 12 new errors in flow orders` */
export function emailSubject(digest: ErrorDigest): string {
  return `[syncline] ${digestTitle(digest)}`;
}

/** The fix of a core code; the app passes the registry of the connectors it runs for theirs. */
function coreFix(code: string): string | undefined {
  return (coreErrors.codes as Record<string, { fix: string } | undefined>)[code]?.fix;
}

/** `[syncline] run 12 of flow orders failed: SQL_ERROR` */
export function runEmailSubject(message: RunMessage): string {
  return `[syncline] ${runTitle(message)}`;
}

/** The plain-text body: counts per code (with the fix and a command each), samples, commands. */
export function emailText(digest: ErrorDigest, errors?: ErrorRegistry, render: RenderAction = actionText): string {
  const commands = digestCommands(digest.next, render);
  const fixOf = (code: string) => (errors === undefined ? coreFix(code) : errors.entry(code)?.fix);
  const lines: string[] = [
    `${digestTitle(digest)} between ${digest.firstAt.toISOString()} and ${digest.lastAt.toISOString()}.`,
    '',
    'By code:',
  ];
  const width = Math.max(...Object.keys(digest.codes).map((c) => c.length));
  for (const [code, count] of Object.entries(digest.codes)) {
    lines.push(`  ${code.padEnd(width)}  ${String(count).padStart(6)}   ${render(listAction(digest.flow, code))}`);
    const fix = fixOf(code);
    if (fix !== undefined) lines.push(`  ${' '.repeat(width + 11)}fix: ${fix}`);
  }
  lines.push('', `Samples (${digest.samples.length} of ${digest.count}):`);
  for (const s of digest.samples) {
    const id = s.errorId === undefined ? '' : `#${s.errorId} `;
    lines.push(
      `  ${id}${s.at.toISOString()} run ${s.runId}, record ${s.recordId}, ${stageText(s.stage)}: [${s.code}] ${shortMessage(s.message)}`,
    );
  }
  lines.push(
    '',
    `To look:     ${commands.list}`,
    `To see one:  ${commands.show}`,
    `To retry:    ${commands.retry}   (after fixing the cause; a record can be retried with an edited payload)`,
    '',
    '-- ',
    'Sent by Syncline. At most one message per flow per interval; errors that arrive meanwhile go in the next one.',
  );
  return `${lines.join('\n')}\n`;
}

interface SmtpFailure {
  code?: string;
  response?: string;
  responseCode?: number;
  command?: string;
  message?: string;
}

/** What to check, by nodemailer's error code. */
function hintFor(code: string | undefined): string {
  switch (code) {
    case 'EAUTH':
    case 'ENOAUTH':
      return 'the SMTP server refused the login: check notify.email.user and notify.email.password';
    case 'EENVELOPE':
      return 'the SMTP server refused the sender or the recipients: check notify.email.from and notify.email.to, and that the account may send as that sender';
    case 'ETLS':
    case 'EREQUIRETLS':
      return 'TLS failed: use secure: true for port 465 and secure: false (STARTTLS) for ports 587 and 25, and check the server certificate';
    case 'ECONNECTION':
    case 'ESOCKET':
    case 'EDNS':
    case 'ETIMEDOUT':
      return 'the SMTP server could not be reached or stopped answering: check notify.email.host and port, secure (465 = true), and firewalls';
    case 'EMESSAGE':
      return 'the SMTP server refused the message: its answer above says why (size, content, rate limit)';
    default:
      return 'check notify.email (host, port, secure, user, password, from, to) and the SMTP server log';
  }
}

const refused: Record<string, string> = {
  MAIL: 'the sender',
  RCPT: 'a recipient',
  AUTH: 'the login',
  DATA: 'the message',
};
const unreachable = new Set(['ECONNECTION', 'ESOCKET', 'EDNS', 'ETIMEDOUT']);

/** Which server, and what it said (its SMTP answer when there is one). */
function failureMessage(target: string, e: SmtpFailure, detail: string): string {
  const command = e.command?.split(' ')[0]?.toUpperCase();
  if (e.response) {
    const what = (command && refused[command]) ?? (command ? `the ${command} command` : 'the message');
    return `SMTP server ${target} refused ${what}: it answered "${e.response.trim()}"`;
  }
  if (command === 'CONN' || (e.code !== undefined && unreachable.has(e.code))) {
    return `SMTP server ${target} could not be reached: ${detail}`;
  }
  return `sending through SMTP server ${target} failed: ${detail}`;
}

export interface EmailChannelOptions {
  /** Writes the actions a message names (the CLI hands its command lines); default the neutral text. */
  render?: RenderAction;
  log?: Logger;
  /** Where a code's fix is looked up (the core and every registered connector's codes); default: the core codes. */
  errors?: ErrorRegistry;
}

/** Sends digests as plain-text mail through an SMTP server (nodemailer, one connection per message). */
export function createEmailChannel(config: EmailChannelConfig, options: EmailChannelOptions = {}): Channel {
  const log = options.log ?? silentLogger;
  const port = config.port ?? (config.secure ? 465 : 587);
  const target = `${config.secure ? 'smtps' : 'smtp'}://${config.host}:${port}`;
  const transport = nodemailer.createTransport({
    host: config.host,
    port,
    secure: config.secure,
    ...(config.user === undefined ? {} : { auth: { user: config.user, pass: config.password ?? '' } }),
    connectionTimeout: config.timeoutMs,
    greetingTimeout: config.timeoutMs,
    socketTimeout: config.timeoutMs,
    dnsTimeout: config.timeoutMs,
  });

  const mail = async (flow: string, subject: string, text: string): Promise<void> => {
    let info: { rejected?: unknown[] };
    try {
      info = await transport.sendMail({ from: config.from, to: config.to, subject, text });
    } catch (err) {
      const e = (err ?? {}) as SmtpFailure;
      const detail = e.message ?? String(err);
      throw new ChannelError(failureMessage(target, e, detail), {
        channel: 'email',
        target,
        hint: hintFor(e.code),
        cause: err,
      });
    }
    const rejected = (info.rejected ?? []).map(String);
    if (rejected.length > 0) {
      log.warn(
        { channel: 'email', server: target, flow, rejected },
        `SMTP server ${target} refused ${rejected.length} of the recipients (${rejected.join(', ')}); the others got the message. Check notify.email.to`,
      );
    }
  };

  return {
    name: 'email',
    send: (digest) => mail(digest.flow, emailSubject(digest), emailText(digest, options.errors, options.render)),
    sendRun: (message) => mail(message.latest.flow, runEmailSubject(message), runMessageText(message, options.render)),
    async close() {
      transport.close();
    },
  };
}
