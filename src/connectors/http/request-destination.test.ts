import { describe, expect, it } from 'vitest';
import { connect, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { createRecord, type JsonObject, type Writer } from '../../sdk/index.js';
import { requestDestination } from './request-destination.js';

const t = useHttpTestServer();
const ctx = testContext();
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `line:${i + 2}` }));

async function writer(config: Record<string, unknown>, conn = connect(t.server.url)): Promise<Writer> {
  return requestDestination.open({ config: requestDestination.config.parse(config), connection: conn }, ctx);
}

describe('http.request destination', () => {
  it('record mode: POSTs each record, returns ids from idPath, rejects a 422 with the API answer', async () => {
    const w = await writer({ path: '/customers', idPath: 'data.id', concurrency: 2 });
    const result = await w.write(recs([{ name: 'a' }, { name: 'b', bad: true }, { id: 'c-1', name: 'c' }]), ctx);
    expect(result.ids?.[0]).toMatch(/^\d+$/);
    expect(result.ids?.slice(1)).toEqual([undefined, 'c-1']);
    expect(result.rejected.map((r) => [r.index, r.error.code, r.error.kind])).toEqual([[1, 'HTTP_REJECTED', 'record']]);
    expect(result.rejected[0]?.error.message).toMatch(
      /^record line:3: POST http:\/\/127\.0\.0\.1:\d+\/customers answered 422 Unprocessable Entity: .*field \\"bad\\" is not allowed/,
    );
    expect(t.server.stats.customers.get('c-1')).toEqual({ id: 'c-1', name: 'c' });
  });

  it('templates the path per record (URL-encoded) and the body; a missing field rejects the record', async () => {
    const w = await writer({
      method: 'PUT',
      path: '/customers/{{code}}',
      body: { name: '{{first}} {{last}}', qty: '{{qty}}' },
    });
    const result = await w.write(recs([{ code: 'a/b c', first: 'Ann', last: 'Lee', qty: 3 }, { first: 'x' }]), ctx);
    expect(t.server.stats.customers.get('a/b c')).toEqual({ id: 'a/b c', name: 'Ann Lee', qty: 3 });
    expect(result.rejected.map((r) => [r.index, r.error.code, r.error.field])).toEqual([
      [1, 'RECORD_MISSING_FIELD', 'code'],
    ]);
    expect(t.server.stats.requests.at(-1)?.url).toBe('/customers/a%2Fb%20c');
  });

  it('PATCH of a missing resource is rejected; DELETE sends no body', async () => {
    const patch = await writer({ method: 'PATCH', path: '/customers/{{id}}' });
    const r1 = await patch.write(recs([{ id: 'nobody', name: 'x' }]), ctx);
    expect(r1.rejected[0]?.error.message).toContain('answered 404 Not Found: {"error":"no customer nobody"}');
    const put = await writer({ method: 'PUT', path: '/customers/{{id}}' });
    await put.write(recs([{ id: 'gone', name: 'x' }]), ctx);
    const del = await writer({ method: 'DELETE', path: '/customers/{{id}}' });
    expect((await del.write(recs([{ id: 'gone' }]), ctx)).rejected).toEqual([]);
    expect(t.server.stats.customers.has('gone')).toBe(false);
    expect(t.server.stats.requests.at(-1)?.headers['content-type']).toBeUndefined();
  });

  it.each<[string, Record<string, string>]>([
    ['array', {}],
    ['wrapped', { wrap: 'records' }],
  ])('batch mode (%s): one request, ids by position; a 4xx rejects every record of the batch', async (_n, extra) => {
    const w = await writer({ path: '/customers/batch', mode: 'batch', idPath: 'id', ...extra });
    const before = t.server.stats.count('/customers/batch');
    const ok = await w.write(recs([{ id: 'b1' }, { id: 'b2' }]), ctx);
    expect(ok).toEqual({ ids: ['b1', 'b2'], rejected: [] });
    const bad = await w.write(recs([{ id: 'b3' }, { id: 'b4', bad: 1 }]), ctx);
    expect(bad.rejected.map((r) => [r.index, r.error.code])).toEqual([
      [0, 'HTTP_REJECTED'],
      [1, 'HTTP_REJECTED'],
    ]);
    expect(bad.rejected[0]?.error.message).toContain('batch of 2 records (first line:2)');
    expect(t.server.stats.count('/customers/batch') - before).toBe(2);
    expect(t.server.stats.customers.has('b3')).toBe(false);
  });

  it('refuses record placeholders in the path of a batch destination, and wrap without batch', async () => {
    await expect(writer({ path: '/x/{{id}}', mode: 'batch' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      field: 'path',
    });
    expect(() => requestDestination.config.parse({ wrap: 'records' })).toThrow(/wrap needs mode: batch/);
  });

  it('sends an Idempotency-Key from a template or a stable hash; the server ignores repeats', async () => {
    const w = await writer({ path: '/customers', idempotencyKey: { template: 'order-{{order_no}}' } });
    await w.write(recs([{ order_no: 7, name: 'first' }]), ctx);
    await w.write(recs([{ order_no: 7, name: 'first' }]), ctx);
    expect(t.server.stats.idempotencyKeys.slice(-2)).toEqual(['order-7', 'order-7']);
    expect([...t.server.stats.customers.values()].filter((c) => c['order_no'] === 7)).toHaveLength(1);
    const h = await writer({ path: '/customers', idempotencyKey: true });
    await h.write(recs([{ order_no: 8 }]), ctx);
    await h.write(recs([{ order_no: 8 }]), ctx);
    await h.write(recs([{ order_no: 9 }]), ctx);
    const [a, b, c] = t.server.stats.idempotencyKeys.slice(-3);
    expect(a).toMatch(/^[0-9a-f]{40}$/);
    expect([a === b, a === c]).toEqual([true, false]);
  });

  it.each([
    ['/flaky?key=d1&times=1', 'TRANSIENT_IO', 'transient'],
    ['/limited?key=d2&times=1&retryAfter=7', 'TRANSIENT_IO', 'transient'],
    ['/auth/forbidden', 'HTTP_AUTH', 'config'],
    ['/reset', 'TRANSIENT_IO', 'transient'],
  ])('%s fails the whole batch with %s (the engine retries transient ones)', async (path, code, kind) => {
    const w = await writer({ method: 'POST', path, mode: 'record' });
    const error = await w.write(recs([{ a: 1 }]), ctx).catch((e) => e);
    expect(error).toMatchObject({ code, kind });
    if (path.startsWith('/limited')) expect(error.retryAfterMs).toBe(7000);
  });
});
