import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { LogFields, Logger } from '../sdk/index.js';
import type { ErrorNotice } from './error-notice.js';

export interface LogEntry {
  level: 'debug' | 'info' | 'warn' | 'error';
  fields: LogFields;
  message: string;
}

/** For tests only: a logger that keeps every entry. */
export function recordingLogger(): { log: Logger; entries: LogEntry[] } {
  const entries: LogEntry[] = [];
  const at =
    (level: LogEntry['level']) =>
    (fields: LogFields, message = '') => {
      entries.push({ level, fields, message });
    };
  const log: Logger = {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: () => log,
  };
  return { log, entries };
}

/** For tests only: the `i`th failed record of a flow. */
export function notice(flow: string, i: number, overrides: Partial<ErrorNotice> = {}): ErrorNotice {
  return {
    flow,
    runId: 7,
    code: i % 4 === 0 ? 'RECORD_CONSTRAINT' : 'RECORD_BAD_VALUE',
    stage: { kind: 'step', name: 'map', index: 0 },
    recordId: `line:${i + 2}`,
    message: `amount "x${i}" is not a number`,
    at: new Date(Date.UTC(2026, 0, 1, 0, 0, i)),
    ...overrides,
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  subject: string;
  text: string;
}

function decodeBody(headers: string, body: string): string {
  if (/content-transfer-encoding:\s*quoted-printable/i.test(headers)) {
    const bytes = Buffer.from(
      body
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))),
      'latin1',
    );
    return bytes.toString('utf8').replace(/\r\n/g, '\n');
  }
  if (/content-transfer-encoding:\s*base64/i.test(headers)) return Buffer.from(body, 'base64').toString('utf8');
  return body.replace(/\r\n/g, '\n');
}

/** Subject and plain-text body of a raw single-part message. */
export function parseMail(raw: string): { subject: string; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const headers = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const subject = /^subject:\s*(.*)$/im.exec(headers)?.[1] ?? '';
  return { subject, text: decodeBody(headers, raw.slice(split + 4)) };
}

export interface TestSmtpServer {
  readonly port: number;
  readonly mails: ReceivedMail[];
  /** Envelopes the server was offered (accepted or not). */
  readonly attempts: number;
  /** While set, RCPT TO is answered with this 5xx text (for every recipient, or only `refuseOnly`). */
  refuseRecipients: string | undefined;
  refuseOnly: string | undefined;
  close(): Promise<void>;
}

/** For tests only: a real SMTP server on 127.0.0.1 (any free port) that keeps what it receives. */
export async function startSmtpServer(options: { user?: string; password?: string } = {}): Promise<TestSmtpServer> {
  const mails: ReceivedMail[] = [];
  const state = { attempts: 0, refuse: undefined as string | undefined, only: undefined as string | undefined };
  const server = new SMTPServer({
    authOptional: options.user === undefined,
    allowInsecureAuth: true,
    disabledCommands: ['STARTTLS'],
    disableReverseLookup: true,
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === options.user && auth.password === options.password) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      state.attempts += 1;
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (state.refuse !== undefined && (state.only === undefined || state.only === address.address))
        callback(Object.assign(new Error(state.refuse), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const { subject, text } = parseMail(Buffer.concat(chunks).toString('utf8'));
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          subject,
          text,
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.server.address() as AddressInfo).port;
  return {
    port,
    mails,
    get attempts() {
      return state.attempts;
    },
    get refuseRecipients() {
      return state.refuse;
    },
    set refuseRecipients(text) {
      state.refuse = text;
    },
    get refuseOnly() {
      return state.only;
    },
    set refuseOnly(address) {
      state.only = address;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export interface ReceivedRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface TestHttpServer {
  readonly url: string;
  readonly requests: ReceivedRequest[];
  /** How to answer the next requests; default 204. */
  respond: (req: ReceivedRequest, res: ServerResponse) => void;
  close(): Promise<void>;
}

/** For tests only: a real HTTP server on 127.0.0.1 (any free port) that keeps what it receives. */
export async function startHttpServer(): Promise<TestHttpServer> {
  const requests: ReceivedRequest[] = [];
  const handle: { respond: TestHttpServer['respond'] } = {
    respond: (_req, res) => {
      res.writeHead(204).end();
    },
  };
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received = {
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(received);
      handle.respond(received, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/syncline`,
    requests,
    get respond() {
      return handle.respond;
    },
    set respond(fn) {
      handle.respond = fn;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
