import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { maskSecret } from '../kit/recorder.js';
import { createCrmEmulator } from './crm-emulator.js';
import { type CrmSeed, crmSeedSchema } from './crm-seed.js';

const key = 'crm-test-key-42';

function crm(seed: Partial<CrmSeed> = {}) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const emulator = createCrmEmulator({ clock, seed: crmSeedSchema.parse({ apiKey: key, ...seed }) });
  const call = (method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
    emulator.app.inject({
      method,
      url,
      headers: { authorization: `Bearer ${key}` },
      ...(payload === undefined ? {} : { payload: payload as object }),
    });
  return { clock, emulator, call };
}

const contacts = (n: number) =>
  Array.from({ length: n }, (_, i) => ({
    email: `p${i + 1}@x.com`,
    name: `P ${i + 1}`,
    updated_at: new Date(Date.UTC(2026, 0, 1) + i * 60_000).toISOString(),
  }));

describe('crm emulator', () => {
  it('refuses a missing or wrong API key with 401 UNAUTHORIZED', async () => {
    const { emulator } = crm();
    const none = await emulator.app.inject({ url: '/v1/contacts' });
    expect([none.statusCode, none.json().error.code]).toEqual([401, 'UNAUTHORIZED']);
    const wrong = await emulator.app.inject({ url: '/v1/contacts', headers: { authorization: 'Bearer nope-nope' } });
    expect(wrong.json()).toEqual({
      error: { code: 'UNAUTHORIZED', message: 'unknown access token: send Authorization: Bearer <api key>' },
    });
  });

  it('pages with an opaque cursor in updated_at order until next_cursor is null', async () => {
    const { call } = crm({ contacts: contacts(5) });
    const seen: string[] = [];
    let url = '/v1/contacts?limit=2';
    for (;;) {
      const body = (await call('GET', url)).json();
      seen.push(...body.data.map((c: { email: string }) => c.email));
      if (body.next_cursor === null) break;
      url = `/v1/contacts?limit=2&cursor=${body.next_cursor}`;
    }
    expect(seen).toEqual(['p1@x.com', 'p2@x.com', 'p3@x.com', 'p4@x.com', 'p5@x.com']);
    const first = (await call('GET', '/v1/contacts?limit=1')).json().data[0];
    expect(first).toEqual({
      id: 'c_000001',
      email: 'p1@x.com',
      name: 'P 1',
      company: null,
      created_at: '2026-01-01T00:00:00.000Z',
      updated_at: '2026-01-01T00:00:00.000Z',
    });
    const bad = await call('GET', '/v1/contacts?limit=101');
    expect([bad.statusCode, bad.json().error]).toEqual([
      400,
      { code: 'INVALID_PARAMETER', message: 'limit must be at most 100, got 101', field: 'limit' },
    ]);
    expect((await call('GET', '/v1/contacts?cursor=zzz')).json().error.code).toBe('INVALID_CURSOR');
  });

  it('updated_since returns what changed at or after it: a delta read', async () => {
    const { clock, call } = crm({ contacts: contacts(3) });
    clock.set(new Date('2026-03-02T10:00:00Z'));
    const ann = (await call('GET', '/v1/contacts?limit=1')).json().data[0];
    await call('PATCH', `/v1/contacts/${ann.id}`, { company: 'Initech' });
    const delta = (await call('GET', '/v1/contacts?updated_since=2026-03-02T10:00:00Z')).json();
    expect(delta.data.map((c: { email: string; company: string }) => [c.email, c.company])).toEqual([
      ['p1@x.com', 'Initech'],
    ]);
    expect(delta.data[0].updated_at).toBe('2026-03-02T10:00:00.000Z');
    expect((await call('GET', '/v1/contacts?updated_since=yesterday')).statusCode).toBe(400);
  });

  it('upserts by email (case-insensitive): 201 created, then 200 updated, one contact', async () => {
    const { call, emulator } = crm();
    const created = await call('PUT', '/v1/contacts/by-email/Ann@X.com', { name: 'Ann', company: 'Acme' });
    expect([created.statusCode, created.json().created, created.json().data.email]).toEqual([201, true, 'ann@x.com']);
    const updated = await call('PUT', '/v1/contacts/by-email/ann@x.com', { name: 'Ann B' });
    expect([updated.statusCode, updated.json().created, updated.json().data.name]).toEqual([200, false, 'Ann B']);
    expect(emulator.contacts.size).toBe(1);
    const taken = await call('POST', '/v1/contacts', { email: 'ann@x.com', name: 'dup' });
    expect([taken.statusCode, taken.json().error.code]).toEqual([409, 'EMAIL_TAKEN']);
    const invalid = await call('PUT', '/v1/contacts/by-email/not-mail', { name: 'x' });
    expect([invalid.statusCode, invalid.json().error.field]).toEqual([422, 'email']);
  });

  it('batch upsert answers per record, in input order, and refuses more than 100', async () => {
    const { call } = crm({ contacts: [{ email: 'old@x.com', name: 'Old' }] });
    const res = await call('POST', '/v1/contacts/batch-upsert', {
      records: [
        { email: 'old@x.com', name: 'Old 2' },
        { email: 'bad', name: 'B' },
        { email: 'new@x.com', name: 'N' },
      ],
    });
    expect(res.json()).toEqual({
      results: [
        { index: 0, status: 'updated', id: 'c_000001' },
        {
          index: 1,
          status: 'failed',
          error: { code: 'INVALID_FIELD', message: 'email: an email address such as ann@example.com', field: 'email' },
        },
        { index: 2, status: 'created', id: 'c_000002' },
      ],
    });
    const big = await call('POST', '/v1/contacts/batch-upsert', { records: contacts(101) });
    expect([big.statusCode, big.json().error.code]).toEqual([413, 'BATCH_TOO_LARGE']);
  });

  it('get, update, delete one contact; 404 for an unknown one', async () => {
    const { call } = crm({ contacts: contacts(1) });
    expect((await call('GET', '/v1/contacts/c_000001')).json().data.email).toBe('p1@x.com');
    expect((await call('DELETE', '/v1/contacts/c_000001')).statusCode).toBe(204);
    const gone = await call('GET', '/v1/contacts/c_000001');
    expect([gone.statusCode, gone.json().error.code]).toEqual([404, 'NOT_FOUND']);
    expect((await call('PATCH', '/v1/contacts/c_000009', { name: 'x' })).statusCode).toBe(404);
    expect((await call('DELETE', '/v1/contacts/c_000001')).statusCode).toBe(404);
  });

  it('rate limit: the documented requests per window, then 429 RATE_LIMITED with Retry-After', async () => {
    const { call, clock } = crm({ rateLimit: { requests: 3, perSeconds: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await call('GET', '/v1/contacts')).statusCode);
    const limited = await call('GET', '/v1/contacts');
    expect([...statuses, limited.statusCode]).toEqual([200, 200, 200, 429]);
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.headers['x-ratelimit-remaining']).toBe('0');
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    clock.advance(2000);
    const after = await call('GET', '/v1/contacts');
    expect([after.statusCode, after.headers['x-ratelimit-remaining']]).toEqual([200, '2']);
  });

  it('records the calls a client made, API key masked', async () => {
    const { call, emulator } = crm();
    await call('PUT', '/v1/contacts/by-email/a@x.com', { name: 'A' });
    await call('GET', '/v1/contacts?limit=5');
    expect(emulator.recorder.calls).toEqual([
      {
        method: 'PUT',
        path: '/v1/contacts/by-email/a@x.com',
        query: {},
        headers: { authorization: maskSecret(`Bearer ${key}`), 'content-type': 'application/json' },
        body: { name: 'A' },
        status: 201,
      },
      {
        method: 'GET',
        path: '/v1/contacts',
        query: { limit: '5' },
        headers: { authorization: maskSecret(`Bearer ${key}`) },
        status: 200,
      },
    ]);
  });

  it('injected faults answer in the CRM shape', async () => {
    const { call, emulator } = crm();
    emulator.faults.add({ fault: { kind: 'status', status: 502 } });
    // rules act in the order added; a request one of them answered is not seen by the later ones
    emulator.faults.add({ fault: { kind: 'rate-limit', retryAfterSeconds: 7 } });
    const failed = await call('GET', '/v1/contacts');
    expect([failed.statusCode, failed.json().error.code]).toEqual([502, 'INTERNAL']);
    const limited = await call('GET', '/v1/contacts');
    expect([limited.statusCode, limited.headers['retry-after'], limited.json().error.code]).toEqual([
      429,
      '7',
      'RATE_LIMITED',
    ]);
  });
});
