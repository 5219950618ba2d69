import type { FastifyReply, FastifyRequest } from 'fastify';
import { bearerToken, requireAuth } from '../kit/auth-check.js';
import { cursorPage } from '../kit/cursor-paging.js';
import { createEmulatorApp, type EmulatorApp } from '../kit/emulator-app.js';
import type { EmulatorClock } from '../kit/emulator-clock.js';
import { defineEmulator } from '../kit/emulator-definition.js';
import { readOffsetParams } from '../kit/offset-paging.js';
import { createQuotaCounter, type QuotaState } from '../kit/quota-counter.js';
import { createRecordSet, type Order, type RecordSet, type StoredRecord } from '../kit/record-set.js';
import { createTokenStore } from '../kit/token-store.js';
import { type CrmSeed, crmContactSeed, crmSeedSchema, defaultCrmSeed } from './crm-seed.js';

/**
 * A small CRM API, the example a "write a connector" guide builds against (docs/emulators.md
 * documents it): contacts with email, name, company and updated_at; `Authorization: Bearer <api key>`;
 * cursor paging ordered by updated_at (delta with `updated_since`); upsert by email, one by one or in
 * batches of up to 100 with per-record results; a rate limit per API key answered with 429 and
 * `Retry-After`. Errors are `{ "error": { "code", "message", "field"? } }`.
 */
export interface Contact {
  email: string;
  name: string;
  company: string | null;
}

export interface CrmEmulator extends EmulatorApp {
  readonly contacts: RecordSet<Contact>;
  readonly limiter: { peek(key?: string): QuotaState };
}

export const CRM_MAX_LIMIT = 100;
export const CRM_MAX_BATCH = 100;
const order: Order<Contact>[] = [{ field: 'modifiedAt' }];

const apiError = (reply: FastifyReply, status: number, code: string, message: string, field?: string) =>
  reply.code(status).send({ error: { code, message, ...(field === undefined ? {} : { field }) } });

const toJson = (r: StoredRecord<Contact>) => ({
  id: r.id,
  email: r.data.email,
  name: r.data.name,
  company: r.data.company,
  created_at: r.createdAt.toISOString(),
  updated_at: r.modifiedAt.toISOString(),
});

type Checked = { ok: true; contact: Contact } | { ok: false; code: string; message: string; field?: string };

/** Checks a contact from a request body; `email` may come from the path instead. */
function checkContact(body: unknown, partial = false): Checked {
  const parsed = (
    partial ? crmContactSeed.omit({ updated_at: true }).partial() : crmContactSeed.omit({ updated_at: true })
  ).safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.');
    return {
      ok: false,
      code: 'INVALID_FIELD',
      message: `${field || 'body'}: ${issue.message}`,
      field: field || undefined,
    };
  }
  const c = parsed.data;
  return {
    ok: true,
    contact: { email: (c.email ?? '').toLowerCase(), name: c.name ?? '', company: c.company ?? null } as Contact,
  };
}

export function createCrmEmulator(options: { seed?: CrmSeed; clock?: EmulatorClock } = {}): CrmEmulator {
  const seed = options.seed ?? defaultCrmSeed;
  const retryAfter = (reply: FastifyReply, seconds: number) =>
    apiError(
      reply.header('retry-after', String(seconds)),
      429,
      'RATE_LIMITED',
      `too many requests: retry after ${seconds} s`,
    );
  const base = createEmulatorApp({
    ...(options.clock === undefined ? {} : { clock: options.clock }),
    signals: {
      rateLimited: retryAfter,
      serverError: (reply, status) => apiError(reply, status, 'INTERNAL', 'the CRM had a problem; try again'),
    },
  });
  const { app, clock } = base;
  const contacts = createRecordSet<Contact>({ clock, id: (n) => `c_${String(n).padStart(6, '0')}` });
  for (const c of seed.contacts) {
    contacts.insert(
      { email: c.email.toLowerCase(), name: c.name, company: c.company ?? null },
      c.updated_at === undefined ? {} : { at: new Date(c.updated_at) },
    );
  }
  const keys = createTokenStore({ clock, ttlMs: Number.POSITIVE_INFINITY });
  keys.addStatic(seed.apiKey, 'crm-user');
  const limiter = createQuotaCounter({
    clock,
    limit: seed.rateLimit.requests,
    windowMs: seed.rateLimit.perSeconds * 1000,
  });

  app.get('/', async () => ({ name: 'crm emulator', version: 'v1' }));

  app.register(
    async (v1) => {
      v1.addHook(
        'preHandler',
        requireAuth(
          (req) => keys.check(bearerToken(req)),
          (reply, refusal) =>
            apiError(reply, 401, 'UNAUTHORIZED', `${refusal.message}: send Authorization: Bearer <api key>`),
        ),
      );
      v1.addHook('preHandler', async (req: FastifyRequest, reply: FastifyReply) => {
        const quota = limiter.take(bearerToken(req));
        reply.header('x-ratelimit-limit', String(quota.limit)).header('x-ratelimit-remaining', String(quota.remaining));
        return quota.allowed ? undefined : retryAfter(reply, Math.max(1, Math.ceil(quota.retryAfterMs / 1000)));
      });

      v1.get('/contacts', async (req, reply) => {
        const q = req.query as Record<string, string | undefined>;
        const params = readOffsetParams(undefined, q.limit, { defaultLimit: 50, maxLimit: CRM_MAX_LIMIT });
        if (!params.ok) return apiError(reply, 400, 'INVALID_PARAMETER', params.message, 'limit');
        const since = q.updated_since;
        if (since !== undefined && Number.isNaN(Date.parse(since))) {
          return apiError(
            reply,
            400,
            'INVALID_PARAMETER',
            `updated_since must be an ISO 8601 time, got "${since}"`,
            'updated_since',
          );
        }
        const sorted = contacts.query({
          where: since === undefined ? [] : [{ field: 'modifiedAt', op: 'gte', value: new Date(since) }],
          orderBy: order,
        });
        const page = cursorPage(sorted, order, q.cursor, params.limit);
        if (!page.ok) return apiError(reply, 400, 'INVALID_CURSOR', page.message, 'cursor');
        return { data: page.items.map(toJson), next_cursor: page.nextCursor ?? null };
      });

      v1.get('/contacts/:id', async (req, reply) => {
        const found = contacts.get((req.params as { id: string }).id);
        return found ? { data: toJson(found) } : apiError(reply, 404, 'NOT_FOUND', 'no such contact');
      });

      v1.post('/contacts', async (req, reply) => {
        const checked = checkContact(req.body);
        if (!checked.ok) return apiError(reply, 422, checked.code, checked.message, checked.field);
        if (contacts.query({ where: [{ field: 'email', op: 'eq', value: checked.contact.email }] }).length > 0) {
          return apiError(
            reply,
            409,
            'EMAIL_TAKEN',
            `a contact with email ${checked.contact.email} exists: upsert by email instead`,
            'email',
          );
        }
        return reply.code(201).send({ data: toJson(contacts.insert(checked.contact)) });
      });

      v1.patch('/contacts/:id', async (req, reply) => {
        const checked = checkContact(req.body, true);
        if (!checked.ok) return apiError(reply, 422, checked.code, checked.message, checked.field);
        const patch = Object.fromEntries(
          Object.entries(checked.contact).filter(([k]) => (req.body as Record<string, unknown>)[k] !== undefined),
        );
        const updated = contacts.update((req.params as { id: string }).id, patch);
        return updated ? { data: toJson(updated) } : apiError(reply, 404, 'NOT_FOUND', 'no such contact');
      });

      v1.put('/contacts/by-email/:email', async (req, reply) => {
        const email = (req.params as { email: string }).email;
        const checked = checkContact({ ...(req.body as object), email });
        if (!checked.ok) return apiError(reply, 422, checked.code, checked.message, checked.field);
        const result = contacts.upsert('email', checked.contact);
        if (result.outcome === 'ambiguous')
          return apiError(reply, 409, 'AMBIGUOUS', 'several contacts have this email');
        return reply
          .code(result.outcome === 'created' ? 201 : 200)
          .send({ data: toJson(result.record), created: result.outcome === 'created' });
      });

      v1.post('/contacts/batch-upsert', async (req, reply) => {
        const records = (req.body as { records?: unknown } | null)?.records;
        if (!Array.isArray(records))
          return apiError(reply, 400, 'INVALID_BODY', 'send { "records": [ … ] }', 'records');
        if (records.length > CRM_MAX_BATCH) {
          return apiError(
            reply,
            413,
            'BATCH_TOO_LARGE',
            `at most ${CRM_MAX_BATCH} records per batch, got ${records.length}`,
            'records',
          );
        }
        const results = records.map((body, index) => {
          const checked = checkContact(body);
          if (!checked.ok) {
            return {
              index,
              status: 'failed',
              error: { code: checked.code, message: checked.message, field: checked.field },
            };
          }
          const result = contacts.upsert('email', checked.contact);
          return result.outcome === 'ambiguous'
            ? { index, status: 'failed', error: { code: 'AMBIGUOUS', message: 'several contacts have this email' } }
            : { index, status: result.outcome, id: result.record.id };
        });
        return { results };
      });

      v1.delete('/contacts/:id', async (req, reply) =>
        contacts.delete((req.params as { id: string }).id)
          ? reply.code(204).send()
          : apiError(reply, 404, 'NOT_FOUND', 'no such contact'),
      );
    },
    { prefix: '/v1' },
  );
  return { ...base, contacts, limiter };
}

export const crmEmulator = defineEmulator<CrmSeed>({
  name: 'crm',
  description: 'a small CRM: contacts, bearer API key, cursor paging, upsert by email, 429 with Retry-After',
  seedSchema: crmSeedSchema,
  defaultSeed: defaultCrmSeed,
  create: createCrmEmulator,
  credentials: (seed) => ({
    'API key': seed.apiKey,
    'rate limit': `${seed.rateLimit.requests} requests per ${seed.rateLimit.perSeconds} s per key`,
  }),
  snippet: (url, seed) => `# crm-contacts.yaml — run with: CRM_API_KEY=${seed.apiKey} npx syncline run crm-contacts.yaml
connections:
  crm:
    type: http
    baseUrl: ${url}/v1
    auth: { type: bearer, token: \${env:CRM_API_KEY} }
    rateLimit: { perSecond: ${Math.max(1, Math.floor(seed.rateLimit.requests / seed.rateLimit.perSeconds))} }
  local: { type: sqlite, path: crm-contacts.db }
flows:
  contacts:
    source:
      connection: crm
      type: http.request
      path: /contacts
      query: { limit: ${CRM_MAX_LIMIT} }
      recordsPath: data
      idField: id
      pagination: { type: cursor, cursorPath: next_cursor }
    destinations:
      - { connection: local, type: sqlite.table, table: contacts, operation: upsert, key: [id], createTable: true }
`,
});
