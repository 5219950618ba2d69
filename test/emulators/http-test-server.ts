import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createEmulatorApp, type EmulatorApp, retryAfterSignal } from './kit/emulator-app.js';
import { defineEmulator } from './kit/emulator-definition.js';
import type { FaultInjector } from './kit/fault-injector.js';
import type { Recorder } from './kit/recorder.js';

/**
 * A local REST API for the `http` connector's tests and benchmarks: every pagination style over a
 * dataset of N records, failure modes (429 with Retry-After, bursts of 5xx, slow answers, resets,
 * malformed JSON, HTML), protected routes for each auth kind, and write endpoints that validate
 * input and honour Idempotency-Key.
 */
export interface HttpTestServerOptions {
  /** Records in the dataset (default 25): `{ id, name, updated_at }`, ids 1..N. */
  readonly records?: number;
  /** Keep a log of every request (default true; turn off for benchmarks). */
  readonly log?: boolean;
}

export interface LoggedRequest {
  readonly method: string;
  readonly url: string;
  readonly at: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
}

export interface HttpTestServerStats {
  readonly requests: LoggedRequest[];
  /** Every Idempotency-Key received, repeats included. */
  readonly idempotencyKeys: string[];
  /** Stored customers by id. */
  readonly customers: Map<string, Record<string, unknown>>;
  /** Requests whose path starts with `prefix`. */
  count(prefix: string): number;
  readonly oauth: OAuthState;
}

export interface HttpTestServer {
  readonly url: string;
  readonly stats: HttpTestServerStats;
  /** Every call, in order, secrets masked (off with `log: false`). */
  readonly recorder: Recorder;
  /** Faults to inject on any route (the routes below also have fixed failure modes). */
  readonly faults: FaultInjector;
  close(): Promise<void>;
}

export const TEST_CREDENTIALS = { user: 'ann', password: 's3cret-pw', token: 'tok-123456', apiKey: 'key-987654' };
export const OAUTH_CLIENT = { id: 'syncline-app', secret: 'oauth-client-s3cret' };

export interface OAuthState {
  issued: number;
  /** What the token endpoint announces as `expires_in` (seconds); tests may change it. */
  expiresIn: number;
  readonly accessTokens: Set<string>;
  readonly refreshTokens: Set<string>;
  readonly grants: string[];
}

type Query = Record<string, string | undefined>;
const int = (v: string | undefined, fallback: number) => (v === undefined || v === '' ? fallback : Number(v));

/** Starts the test API on a free port of 127.0.0.1. */
export async function startHttpTestServer(options: HttpTestServerOptions = {}): Promise<HttpTestServer> {
  const server = createHttpTestApp(options);
  const url = await server.listen();
  return { url, stats: server.stats, recorder: server.recorder, faults: server.faults, close: () => server.close() };
}

/** The test API built on the emulator kit, not listening yet. */
export function createHttpTestApp(options: HttpTestServerOptions = {}): EmulatorApp & { stats: HttpTestServerStats } {
  const total = options.records ?? 25;
  const start = Date.UTC(2026, 0, 1);
  const items = Array.from({ length: total }, (_, i) => ({
    id: i + 1,
    name: `item ${i + 1}`,
    updated_at: new Date(start + i * 60_000).toISOString(),
  }));
  const slice = (from: number, n: number) => items.slice(Math.max(0, from), Math.max(0, from) + Math.max(0, n));
  const stats: HttpTestServerStats = {
    requests: [],
    idempotencyKeys: [],
    customers: new Map(),
    count: (prefix) => stats.requests.filter((r) => r.url.startsWith(prefix)).length,
    oauth: { issued: 0, expiresIn: 3600, accessTokens: new Set(), refreshTokens: new Set(), grants: [] },
  };
  const calls = new Map<string, number>();
  const callNo = (key: string) => {
    const n = (calls.get(key) ?? 0) + 1;
    calls.set(key, n);
    return n;
  };
  const answered = new Map<string, { status: number; body: unknown }>();

  const base = createEmulatorApp({ record: options.log !== false, signals: { rateLimited: retryAfterSignal } });
  const app = base.app;
  app.addHook('onRequest', async (req) => {
    if (options.log !== false) {
      stats.requests.push({ method: req.method, url: req.url, at: Date.now(), headers: { ...req.headers } });
    }
  });
  const q = (req: FastifyRequest) => req.query as Query;

  app.get('/', async () => ({ ok: true }));

  // ---- pagination styles
  app.get('/items/offset', async (req) => {
    const { offset, limit } = q(req);
    return { data: { items: slice(int(offset, 0), int(limit, 10)) }, total };
  });
  app.get('/items/page', async (req) => {
    const page = int(q(req).page, 1);
    const size = int(q(req).per_page, 10);
    return { items: slice((page - 1) * size, size), page };
  });
  app.get('/items/cursor', async (req) => {
    const at = q(req).cursor ? Number(String(q(req).cursor).slice(1)) : 0;
    const limit = int(q(req).limit, 10);
    const page = slice(at, limit);
    const next = at + limit < total ? `c${at + limit}` : null;
    return { items: page, meta: { next_cursor: next } };
  });
  app.get('/items/next', async (req) => {
    const after = int(q(req).after, 0);
    const limit = int(q(req).limit, 10);
    const page = slice(after, limit);
    const next = after + limit < total ? `/items/next?after=${after + limit}&limit=${limit}` : null;
    return { items: page, links: { next } };
  });
  app.get('/items/link', async (req, reply) => {
    const page = int(q(req).page, 1);
    const size = int(q(req).per_page, 10);
    const base = `http://${req.headers.host}/items/link`;
    const links = [`<${base}?page=1&per_page=${size}>; rel="first"`];
    if (page * size < total) links.push(`<${base}?page=${page + 1}&per_page=${size}>; rel="next"`);
    reply.header('link', links.join(', '));
    return slice((page - 1) * size, size);
  });
  app.get('/items/all', async (req) => {
    const since = q(req).updated_since;
    return since ? items.filter((i) => i.updated_at > since) : items;
  });
  // OData: `value` holds the page, `@odata.nextLink` the next page's URL, absent on the last page
  app.get('/items/odata', async (req) => {
    const skip = int(q(req).$skip, 0);
    const top = int(q(req).$top, 10);
    const next =
      skip + top < total ? `http://${req.headers.host}/items/odata?$skip=${skip + top}&$top=${top}` : undefined;
    return {
      '@odata.context': 'http://localhost/$metadata#items',
      value: slice(skip, top),
      ...(next ? { '@odata.nextLink': next } : {}),
    };
  });
  // keyset paging: the next page starts after the last record's id (`?after=<id>`); an empty page ends
  app.get('/items/after', async (req) => {
    const after = int(q(req).after, 0);
    const limit = int(q(req).limit, 10);
    return { data: items.filter((i) => i.id > after).slice(0, limit) };
  });
  // an API that does not know the page parameter it is sent: always the first page
  app.get('/items/stuck', async () => ({ items: slice(0, 3) }));
  app.get('/items/loop', async () => ({ items: slice(0, 2), meta: { next_cursor: 'same' } }));
  app.post('/items/search', async (req) => {
    const body = req.body as { page?: number; size?: number };
    const size = body.size ?? 10;
    return { results: slice(((body.page ?? 1) - 1) * size, size) };
  });

  // ---- failure modes
  app.all('/limited', async (req, reply) => {
    const { key = 'default', times = '1', retryAfter = '1', date } = q(req);
    if (callNo(`limited:${key}`) <= Number(times)) {
      const value = date ? new Date(Date.now() + Number(retryAfter) * 1000).toUTCString() : retryAfter;
      return reply.code(429).header('retry-after', value).send({ error: 'slow down' });
    }
    return [{ id: 1 }];
  });
  // X-RateLimit-* headers of a fixed window (`limit` calls per `window` seconds, per `key`); over it: 429
  app.all('/quota', async (req, reply) => {
    const { key = 'default', limit = '3', window = '3600' } = q(req);
    const remaining = Number(limit) - callNo(`quota:${key}`);
    reply.header('x-ratelimit-limit', limit).header('x-ratelimit-remaining', String(Math.max(0, remaining)));
    reply.header('x-ratelimit-reset', window);
    if (remaining < 0) return reply.code(429).send({ error: 'quota exhausted' });
    return [{ id: 1 }];
  });
  app.all('/flaky', async (req, reply) => {
    const { key = 'default', times = '1', status = '500' } = q(req);
    if (callNo(`flaky:${key}`) <= Number(times)) return reply.code(Number(status)).send({ error: 'server trouble' });
    return [{ id: 1 }];
  });
  app.all('/slow', async (req) => {
    await new Promise((r) => setTimeout(r, int(q(req).delay, 100)));
    return [{ id: 1 }];
  });
  app.get('/malformed', async (_req, reply) => reply.type('application/json').send('{"items": [1, 2'));
  app.get('/html', async (_req, reply) =>
    reply.type('text/html').send('<!doctype html><html><body>Please log in</body></html>'),
  );
  app.all('/reset', async (req) => {
    req.raw.socket.destroy();
  });
  app.all('/status/:code', async (req, reply) => {
    const code = Number((req.params as { code: string }).code);
    return reply.code(code).send({ error: `status ${code}`, echo: q(req) });
  });

  // ---- auth
  const basic = `Basic ${Buffer.from(`${TEST_CREDENTIALS.user}:${TEST_CREDENTIALS.password}`).toString('base64')}`;
  const guard = (ok: (req: FastifyRequest) => boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
    if (!ok(req)) return reply.code(401).send({ error: 'unauthorized' });
    return [{ id: 1 }];
  };
  app.get(
    '/auth/basic',
    guard((r) => r.headers.authorization === basic),
  );
  app.get(
    '/auth/bearer',
    guard((r) => r.headers.authorization === `Bearer ${TEST_CREDENTIALS.token}`),
  );
  app.get(
    '/auth/key',
    guard((r) => r.headers['x-api-key'] === TEST_CREDENTIALS.apiKey),
  );
  app.get(
    '/auth/key-query',
    guard((r) => q(r).api_key === TEST_CREDENTIALS.apiKey),
  );
  app.all('/auth/forbidden', async (_req, reply) => reply.code(403).send({ error: 'forbidden' }));

  // ---- lookups: contacts u1@x.com … u50@x.com, by key or batched
  const contact = (email: string) => {
    const n = /^u(\d+)@x\.com$/.exec(email)?.[1];
    return n && Number(n) <= 50 ? { id: `c${n}`, email, owner: { name: `owner ${Number(n) % 3}` } } : undefined;
  };
  app.get('/contacts/:email', async (req, reply) => {
    const found = contact(decodeURIComponent((req.params as { email: string }).email));
    return found ? { data: found } : reply.code(404).send({ error: 'no such contact' });
  });
  app.get('/contacts', async (req, reply) => {
    const emails = q(req).emails;
    if (emails === undefined) return reply.code(400).send({ error: 'emails is required' });
    return { data: emails.split(',').flatMap((e) => contact(e) ?? []) };
  });

  // ---- OAuth2 (RFC 6749): client credentials and refresh token grants, rotating refresh tokens.
  // Tokens live until /oauth/revoke is called; `expires_in` is what the token endpoint announces.
  const oauth = stats.oauth;
  // RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded
  const basicClient = (header: string | undefined): [string, string] | undefined => {
    if (!header?.startsWith('Basic ')) return undefined;
    const [id = '', secret = ''] = Buffer.from(header.slice(6), 'base64').toString('utf8').split(':');
    const decode = (v: string) => decodeURIComponent(v.replace(/\+/g, ' '));
    return [decode(id), decode(secret)];
  };
  app.post('/oauth/token', async (req, reply) => {
    const form = (req.body ?? {}) as Record<string, string>;
    const [id, secret] = basicClient(req.headers.authorization) ?? [form.client_id, form.client_secret];
    const authed = id === OAUTH_CLIENT.id && secret === OAUTH_CLIENT.secret;
    if (!authed)
      return reply.code(401).send({ error: 'invalid_client', error_description: 'client authentication failed' });
    if (form.grant_type === 'refresh_token') {
      if (!form.refresh_token || !oauth.refreshTokens.has(form.refresh_token)) {
        return reply.code(400).send({ error: 'invalid_grant', error_description: 'unknown refresh token' });
      }
      oauth.refreshTokens.delete(form.refresh_token);
    } else if (form.grant_type !== 'client_credentials') {
      return reply.code(400).send({ error: 'unsupported_grant_type' });
    }
    oauth.issued += 1;
    const access = `at-${oauth.issued}`;
    const refresh = `rt-${oauth.issued}`;
    oauth.accessTokens.add(access);
    oauth.refreshTokens.add(refresh);
    oauth.grants.push(form.grant_type);
    return reply.header('cache-control', 'no-store').send({
      access_token: access,
      token_type: 'Bearer',
      expires_in: oauth.expiresIn,
      refresh_token: refresh,
      scope: form.scope,
    });
  });
  app.post('/oauth/revoke', async () => {
    oauth.accessTokens.clear();
    return { revoked: true };
  });
  app.get(
    '/oauth/items',
    guard((r) => oauth.accessTokens.has(String(r.headers.authorization ?? '').replace(/^Bearer /, ''))),
  );

  // ---- writes
  let nextId = 1000;
  const idempotent = async (
    req: FastifyRequest,
    reply: FastifyReply,
    handle: () => { status: number; body: unknown },
  ): Promise<unknown> => {
    const raw = req.headers['idempotency-key'];
    const key = typeof raw === 'string' ? raw : undefined;
    if (key !== undefined) {
      stats.idempotencyKeys.push(key);
      const seen = answered.get(key);
      if (seen) return reply.code(seen.status).header('idempotent-replay', 'true').send(seen.body);
    }
    const out = handle();
    if (key !== undefined && out.status < 500) answered.set(key, out);
    return reply.code(out.status).send(out.body);
  };
  const invalid = (body: unknown) =>
    typeof body !== 'object' || body === null || Array.isArray(body)
      ? { error: 'a JSON object is required' }
      : 'bad' in body
        ? { error: 'validation failed', field: 'bad', detail: 'field "bad" is not allowed' }
        : undefined;
  const save = (id: string, body: Record<string, unknown>) => {
    const stored = { ...body, id };
    stats.customers.set(id, stored);
    return stored;
  };

  app.get('/customers', async () => [...stats.customers.values()]);
  app.post('/customers', async (req, reply) =>
    idempotent(req, reply, () => {
      const error = invalid(req.body);
      if (error) return { status: 422, body: error };
      const body = req.body as Record<string, unknown>;
      const id = body['id'] === undefined ? String(nextId++) : String(body['id']);
      return { status: 201, body: { data: save(id, body) } };
    }),
  );
  for (const method of ['PUT', 'PATCH'] as const) {
    app.route({
      method,
      url: '/customers/:id',
      handler: async (req, reply) =>
        idempotent(req, reply, () => {
          const error = invalid(req.body);
          if (error) return { status: 422, body: error };
          const id = (req.params as { id: string }).id;
          const existing = stats.customers.get(id);
          if (method === 'PATCH' && !existing) return { status: 404, body: { error: `no customer ${id}` } };
          return { status: 200, body: { data: save(id, { ...existing, ...(req.body as object) }) } };
        }),
    });
  }
  app.delete('/customers/:id', async (req, reply) => {
    const id = (req.params as { id: string }).id;
    if (!stats.customers.delete(id)) return reply.code(404).send({ error: `no customer ${id}` });
    return reply.code(204).send();
  });
  app.post('/customers/batch', async (req, reply) =>
    idempotent(req, reply, () => {
      const body = req.body as unknown;
      const wrapped = !Array.isArray(body);
      const list = Array.isArray(body) ? body : (body as { records?: unknown[] } | null)?.records;
      if (!Array.isArray(list)) return { status: 400, body: { error: 'an array or { records: [...] } is required' } };
      const bad = list.findIndex((r) => invalid(r) !== undefined);
      if (bad >= 0) return { status: 422, body: { error: `record ${bad}: ${JSON.stringify(invalid(list[bad]))}` } };
      const saved = list.map((r) => {
        const rec = r as Record<string, unknown>;
        return save(rec['id'] === undefined ? String(nextId++) : String(rec['id']), rec);
      });
      const ids = saved.map((s) => ({ id: s.id }));
      return { status: 200, body: wrapped ? { records: ids } : ids };
    }),
  );

  // ---- batch endpoints that answer 2xx with per-record results
  // Marketo leads push: HTTP 200, `result[]` in input order; createOnly skips an existing email
  const leads = new Map<string, number>();
  app.post('/marketo/leads.json', async (req) => {
    const body = req.body as { action?: string; input?: Record<string, unknown>[] };
    const result = (body.input ?? []).map((lead) => {
      const email = String(lead['email'] ?? '');
      if ('bad' in lead)
        return {
          status: 'skipped',
          reasons: [{ code: '1003', message: `Invalid value for field bad: ${String(lead['bad'])}` }],
        };
      const existing = leads.get(email);
      if (existing !== undefined && body.action === 'createOnly')
        return { status: 'skipped', reasons: [{ code: '1005', message: 'Lead already exists' }] };
      const id = existing ?? nextId++;
      leads.set(email, id);
      return { id, status: existing === undefined ? 'created' : 'updated' };
    });
    const short = q(req).short === '1';
    return { requestId: `r${nextId}`, success: true, result: short ? result.slice(1) : result };
  });
  // Salesforce sObject Collections: HTTP 200, an array `[{ id, success, errors, created }]` in input order
  app.patch('/sf/composite/sobjects/Account/Ext__c', async (req) => {
    const body = req.body as { records?: Record<string, unknown>[] };
    return (body.records ?? []).map((r) =>
      typeof r['Name'] === 'string'
        ? { id: `001${String(r['Ext__c'])}`, success: true, errors: [], created: true }
        : {
            success: false,
            errors: [
              {
                statusCode: 'REQUIRED_FIELD_MISSING',
                message: 'Required fields are missing: [Name]',
                fields: ['Name'],
              },
            ],
          },
    );
  });
  // HubSpot-style batch upsert: 207 Multi-Status when some inputs fail; results and errors apart
  app.post('/hubspot/batch/upsert', async (req, reply) => {
    const inputs = (req.body as { inputs?: { id: string; properties?: Record<string, unknown> }[] }).inputs ?? [];
    const ok = inputs.filter((i) => !('bad' in (i.properties ?? {})));
    const failed = inputs.filter((i) => 'bad' in (i.properties ?? {}));
    return reply.code(failed.length > 0 ? 207 : 200).send({
      status: 'COMPLETE',
      results: ok.map((i) => ({ id: `h-${i.id}`, new: true, properties: { ...i.properties, email: i.id } })),
      errors: failed.map((i) => ({
        status: 'error',
        category: 'VALIDATION_ERROR',
        message: 'Property values were not valid',
        context: { ids: [i.id] },
      })),
      numErrors: failed.length,
    });
  });

  return { ...base, stats };
}

const httpSeedSchema = z.object({ records: z.number().int().min(0).max(10_000_000).default(25) }).strict();

/** `syncline emulate http`: the test API with N records (default 25). */
export const httpEmulator = defineEmulator<z.infer<typeof httpSeedSchema>>({
  name: 'http',
  description: 'the generic REST API the http connector is tested on: every paging style, auth kind and failure mode',
  seedSchema: httpSeedSchema,
  defaultSeed: { records: 25 },
  create: ({ seed }) => createHttpTestApp({ records: seed.records }),
  credentials: () => ({
    'basic user': TEST_CREDENTIALS.user,
    'basic password': TEST_CREDENTIALS.password,
    'bearer token (GET /auth/bearer)': TEST_CREDENTIALS.token,
    'X-API-Key (GET /auth/key)': TEST_CREDENTIALS.apiKey,
    'OAuth2 client (POST /oauth/token)': `${OAUTH_CLIENT.id} / ${OAUTH_CLIENT.secret}`,
  }),
  snippet: (url) => `# items.yaml — run with: npx syncline run items.yaml
connections:
  api: { type: http, baseUrl: ${url} }
  out: { type: file, dir: . }
flows:
  items:
    source:
      connection: api
      type: http.request
      path: /items/cursor
      query: { limit: 10 }
      recordsPath: items
      idField: id
      pagination: { type: cursor, cursorPath: meta.next_cursor }
    destinations:
      - { connection: out, type: file.csv, path: items.csv }
`,
});
