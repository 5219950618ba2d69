import { type AddressInfo, createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { connect, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { createRecord, type FlowError, type JsonObject, ManualClock } from '../../sdk/index.js';
import { httpLookupStep } from './lookup-step.js';

const t = useHttpTestServer();

const records = (emails: (string | null)[]) =>
  emails.map((email, i) => createRecord({ n: i, customer: { email } }, { id: `r${i}` }));

async function lookup(config: JsonObject, clock = new ManualClock(Date.now()), url?: string) {
  const ctx = testContext(clock);
  const parsed = httpLookupStep.config.parse({
    connection: 'crm',
    key: '{{customer.email}}',
    fields: { crm_id: 'id', owner: 'owner.name' },
    recordsPath: 'data',
    ...config,
  });
  const processor = await httpLookupStep.create(
    { config: parsed, where: 'flow f/step lookup', connection: connect(url ?? t.server.url) },
    ctx,
  );
  return { processor, ctx, clock };
}

describe('http.lookup', () => {
  it('asks once per distinct key, merges the fields, and reports what is missing', async () => {
    const { processor, ctx } = await lookup({ path: '/contacts/{{customer.email}}' });
    const before = t.server.stats.count('/contacts');
    const result = await processor.process(records(['u1@x.com', 'u2@x.com', 'u1@x.com', 'nobody@x.com']), ctx);
    expect(t.server.stats.count('/contacts') - before).toBe(3);
    expect(result.records.map((r) => r.data)).toEqual([
      { n: 0, customer: { email: 'u1@x.com' }, crm_id: 'c1', owner: 'owner 1' },
      { n: 1, customer: { email: 'u2@x.com' }, crm_id: 'c2', owner: 'owner 2' },
      { n: 2, customer: { email: 'u1@x.com' }, crm_id: 'c1', owner: 'owner 1' },
    ]);
    expect(result.failed.map((f) => [f.record.meta.id, f.error.code])).toEqual([['r3', 'RECORD_NOT_FOUND']]);
  });

  it('serves repeats from the cache until the ttl passes', async () => {
    const { processor, ctx, clock } = await lookup({
      path: '/contacts/{{customer.email}}',
      cache: { size: 100, ttl: '1m' },
      onMissing: 'null',
    });
    const before = t.server.stats.count('/contacts');
    await processor.process(records(['u5@x.com', 'gone@x.com']), ctx);
    const again = await processor.process(records(['u5@x.com', 'gone@x.com']), ctx);
    expect(t.server.stats.count('/contacts') - before).toBe(2);
    expect(again.records.map((r) => r.data.crm_id)).toEqual(['c5', null]);
    clock.advance(60_001);
    await processor.process(records(['u5@x.com']), ctx);
    expect(t.server.stats.count('/contacts') - before).toBe(3);
  });

  it('batches keys into one request per page, matching answers back by key', async () => {
    const { processor, ctx } = await lookup({
      path: '/contacts',
      batch: { param: 'emails', match: 'email', size: 50 },
      onMissing: 'skip',
    });
    const emails = Array.from({ length: 60 }, (_, i) => `u${i + 1}@x.com`);
    const before = t.server.stats.count('/contacts');
    const result = await processor.process(records(emails), ctx);
    expect(t.server.stats.count('/contacts') - before).toBe(2);
    expect(result.records).toHaveLength(50);
    expect(result.records[49]?.data.crm_id).toBe('c50');
    expect(result.failed).toEqual([]);
  });

  it('a 4xx answer fails the records of that key with the API message', async () => {
    const { processor, ctx } = await lookup({ path: '/status/422' });
    const result = await processor.process(records(['u1@x.com']), ctx);
    expect(result.failed[0]?.error.code).toBe('HTTP_REJECTED');
    expect(result.failed[0]?.error.message).toContain('422');
  });

  it('reports hits, misses and lookupMs; onMissing default fills the named fields', async () => {
    const { processor, ctx } = await lookup({
      path: '/contacts/{{customer.email}}',
      cache: { size: 100, ttl: '1m' },
      onMissing: 'default',
      default: { owner: 'nobody' },
    });
    const first = await processor.process(records(['u3@x.com', 'gone@x.com', 'u3@x.com']), ctx);
    expect(first.records.map((r) => [r.data.crm_id, r.data.owner])).toEqual([
      ['c3', 'owner 0'],
      [null, 'nobody'],
      ['c3', 'owner 0'],
    ]);
    expect(first.stats).toMatchObject({ hits: 1, misses: 2, notFound: 1 });
    expect(first.stats?.lookupMs).toBeGreaterThan(0);
    const again = await processor.process(records(['u3@x.com', 'gone@x.com']), ctx);
    expect(again.stats).toEqual({ hits: 2, misses: 0, lookupMs: 0, notFound: 1 });
  });

  it('a page whose answers take longer than `timeout` fails with a transient TIMEOUT naming the connection', async () => {
    const { processor, ctx, clock } = await lookup({ path: '/slow', query: { delay: '2000' }, timeout: '100ms' });
    const started = Date.now();
    const asked = t.server.stats.count('/slow');
    const answer = Promise.resolve(processor.process(records(['u1@x.com']), ctx)).catch((e: unknown) => e);
    // the time limit is a timer on the context's clock: it passes once the server has the request
    await expect.poll(() => t.server.stats.count('/slow'), { interval: 5 }).toBe(asked + 1);
    clock.advance(100);
    const error = (await answer) as FlowError;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'transient', where: 'flow f/step lookup' });
    expect(error.message).toBe(
      `lookup in connection "crm" (${t.server.url.replace(/\/$/, '')}) took longer than 100ms (timeout) for 1 key`,
    );
  });

  it('an API that is down (closed port) fails the page with a transient error naming the connection and the address', async () => {
    // a port nobody listens on (not port 1: fetch refuses it as a "bad port" before connecting)
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const { processor, ctx } = await lookup(
      { path: '/contacts/{{customer.email}}' },
      undefined,
      `http://127.0.0.1:${port}`,
    );
    const error = (await Promise.resolve(processor.process(records(['u1@x.com']), ctx)).catch(
      (e: unknown) => e,
    )) as FlowError;
    expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient', where: 'flow f/step lookup' });
    expect(error.message).toBe(
      `lookup in connection "crm" failed: GET http://127.0.0.1:${port}/contacts/u1%40x.com failed: connection refused (ECONNREFUSED)`,
    );
  });
});
