import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Records every call an emulator receives, in order of arrival, so a test asserts the exact calls a
 * connector made: method, path, query, the selected headers and the body — secrets masked (a short
 * fingerprint stays, so a test still sees that the token changed), and the status answered.
 */
export interface RecordedCall {
  readonly method: string;
  readonly path: string;
  readonly query: Readonly<Record<string, string | string[]>>;
  readonly headers: Readonly<Record<string, string>>;
  /** The parsed body (JSON, form fields, text); absent when there was none or a fault answered first. */
  body?: unknown;
  /** The status answered; absent for a reset connection. */
  status?: number;
}

export interface RecorderOptions {
  /** Header names to record (lower case); default authorization, content-type, idempotency-key. */
  readonly headers?: readonly string[];
  /** Header names whose value is a secret (default authorization, x-api-key, cookie, x-shopify-access-token). */
  readonly secretHeaders?: readonly string[];
  /** Body and query fields holding secrets, at any depth (default password, client_secret, refresh_token, access_token, assertion, api_key). */
  readonly secretFields?: readonly string[];
}

export interface Recorder {
  readonly calls: readonly RecordedCall[];
  /** One line per call: `GET /v1/contacts?limit=2 200`. */
  lines(): string[];
  clear(): void;
  onRequest(req: FastifyRequest): Promise<void>;
  preHandler(req: FastifyRequest): Promise<void>;
  onResponse(req: FastifyRequest, reply: FastifyReply): Promise<void>;
}

/** `Bearer [masked a1b2c3]`: the scheme kept, the secret replaced by six hex digits of its SHA-256. */
export function maskSecret(value: string): string {
  const match = /^(\w+)\s+(.+)$/.exec(value);
  const secret = match ? (match[2] ?? '') : value;
  const mask = `[masked ${createHash('sha256').update(secret).digest('hex').slice(0, 6)}]`;
  return match ? `${match[1]} ${mask}` : mask;
}

function maskFields(value: unknown, secret: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((v) => maskFields(v, secret));
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      secret.has(k.toLowerCase()) && typeof v === 'string' ? maskSecret(v) : maskFields(v, secret),
    ]),
  );
}

export function createRecorder(options: RecorderOptions = {}): Recorder {
  const wanted = new Set(options.headers ?? ['authorization', 'content-type', 'idempotency-key']);
  const secretHeaders = new Set(
    options.secretHeaders ?? ['authorization', 'x-api-key', 'cookie', 'x-shopify-access-token'],
  );
  const secretFields = new Set(
    (
      options.secretFields ?? ['password', 'client_secret', 'refresh_token', 'access_token', 'assertion', 'api_key']
    ).map((f) => f.toLowerCase()),
  );
  const calls: RecordedCall[] = [];
  const byRequest = new WeakMap<FastifyRequest, RecordedCall>();

  return {
    calls,
    lines: () =>
      calls.map((c) => {
        const query = new URLSearchParams();
        for (const [k, v] of Object.entries(c.query)) for (const one of [v].flat()) query.append(k, one);
        const q = query.toString();
        return `${c.method} ${c.path}${q ? `?${q}` : ''} ${c.status ?? 'reset'}`;
      }),
    clear: () => void calls.splice(0),
    async onRequest(req) {
      const url = new URL(req.url, 'http://emulator');
      const query: Record<string, string | string[]> = {};
      for (const key of new Set(url.searchParams.keys())) {
        const all = url.searchParams.getAll(key).map((v) => (secretFields.has(key.toLowerCase()) ? maskSecret(v) : v));
        query[key] = all.length === 1 ? all[0]! : all;
      }
      const headers: Record<string, string> = {};
      for (const name of wanted) {
        const raw = req.headers[name];
        if (raw === undefined) continue;
        const value = Array.isArray(raw) ? raw.join(', ') : raw;
        headers[name] = secretHeaders.has(name) ? maskSecret(value) : value;
      }
      const call: RecordedCall = { method: req.method, path: url.pathname, query, headers };
      calls.push(call);
      byRequest.set(req, call);
    },
    async preHandler(req) {
      const call = byRequest.get(req);
      if (call && req.body !== undefined && req.body !== null) call.body = maskFields(req.body, secretFields);
    },
    async onResponse(req, reply) {
      const call = byRequest.get(req);
      if (call) call.status = reply.statusCode;
    },
  };
}
