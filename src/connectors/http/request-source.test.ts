import { describe, expect, it } from 'vitest';
import {
  connect,
  ids,
  readPages,
  recordingClock,
  testContext,
  useHttpTestServer,
} from '../../../test/emulators/http/http-fixture.js';
import { TEST_CREDENTIALS } from '../../../test/emulators/http-test-server.js';

const t = useHttpTestServer({ records: 25 });
const all = Array.from({ length: 25 }, (_, i) => String(i + 1));

const styles: [string, Record<string, unknown>, number][] = [
  ['none', { path: '/items/all' }, 1],
  ['offset', { path: '/items/offset', recordsPath: 'data.items', pagination: { type: 'offset', limit: 10 } }, 3],
  [
    'page',
    { path: '/items/page', recordsPath: 'items', pageSize: 10, pagination: { type: 'page', sizeParam: 'per_page' } },
    3,
  ],
  [
    'cursor',
    {
      path: '/items/cursor',
      query: { limit: 10 },
      recordsPath: 'items',
      pagination: { type: 'cursor', cursorPath: 'meta.next_cursor' },
    },
    3,
  ],
  [
    'nextUrl',
    { path: '/items/next?limit=10', recordsPath: 'items', pagination: { type: 'nextUrl', nextPath: 'links.next' } },
    3,
  ],
  ['linkHeader', { path: '/items/link', query: { per_page: 10 }, pagination: { type: 'linkHeader' } }, 3],
];

describe('http.request source', () => {
  it.each(styles)('%s pagination reads every record once, one request per page', async (_name, config, requests) => {
    const conn = connect(t.server.url);
    const before = t.server.stats.requests.length;
    const pages = await readPages(conn, { idField: 'id', ...config });
    expect(ids(pages)).toEqual(all);
    expect(t.server.stats.requests.length - before).toBe(requests);
    expect(pages.at(-1)?.checkpoint).toEqual({ done: true });
    expect(pages[0]?.records[0]?.data).toEqual({ id: 1, name: 'item 1', updated_at: '2026-01-01T00:00:00.000Z' });
  });

  it.each(styles.filter(([name]) => name !== 'none'))(
    '%s: a run resumed from the 2nd page checkpoint reads exactly the rest',
    async (_name, config) => {
      const conn = connect(t.server.url);
      const base = { idField: 'id', ...config, pageSize: 5 };
      const paged = (c: Record<string, unknown>) =>
        c['pagination'] && (c['pagination'] as { type: string }).type === 'offset'
          ? { ...c, pagination: { type: 'offset', limit: 5 } }
          : c['query']
            ? { ...c, query: { limit: 5, per_page: 5 } }
            : c['path'] === '/items/next?limit=10'
              ? { ...c, path: '/items/next?limit=5' }
              : c;
      const first = await readPages(conn, paged(base), { pages: 2 });
      expect(ids(first)).toEqual(all.slice(0, 10));
      const checkpoint = first[1]?.checkpoint;
      expect(checkpoint).toMatchObject({ method: 'GET', url: expect.stringContaining(t.server.url) });
      const rest = await readPages(conn, paged(base), { from: checkpoint ?? null });
      expect(ids(rest)).toEqual(all.slice(10));
    },
  );

  it('stops at an empty page when the last page is full, and at maxPages', async () => {
    const conn = connect(t.server.url);
    const before = t.server.stats.count('/items/offset');
    const pages = await readPages(conn, {
      path: '/items/offset',
      recordsPath: 'data.items',
      pagination: { type: 'offset', limit: 5 },
    });
    expect(pages).toHaveLength(5);
    expect(t.server.stats.count('/items/offset') - before).toBe(6);
    const capped = await readPages(conn, {
      path: '/items/cursor',
      recordsPath: 'items',
      pagination: { type: 'cursor', cursorPath: 'meta.next_cursor', maxPages: 2 },
    });
    expect(ids(capped)).toEqual(all.slice(0, 20));
    expect(capped[1]?.checkpoint).toMatchObject({ url: expect.stringContaining('cursor=c20') });
  });

  it('fails with HTTP_PAGINATION_LOOP naming a repeated cursor instead of looping', async () => {
    const conn = connect(t.server.url);
    const err = readPages(conn, {
      path: '/items/loop',
      recordsPath: 'items',
      pagination: { type: 'cursor', cursorPath: 'meta.next_cursor' },
    });
    await expect(err).rejects.toMatchObject({
      code: 'HTTP_PAGINATION_LOOP',
      kind: 'config',
      message: expect.stringContaining('"same"'),
    });
    expect(t.server.stats.count('/items/loop')).toBe(2);
  });

  it('puts the watermark in sinceParam and fills {{…}} templates in path, query and JSON body', async () => {
    const conn = connect(t.server.url);
    const since = '2026-01-01T00:20:00.000Z';
    expect(
      ids(await readPages(conn, { path: '/items/all', sinceParam: 'updated_since', idField: 'id' }, { since })),
    ).toEqual(['22', '23', '24', '25']);
    const pages = await readPages(conn, {
      method: 'POST',
      path: '/items/search',
      body: { page: '{{page}}', size: '{{pageSize}}', label: 'p{{page}}' },
      pageSize: 10,
      recordsPath: 'results',
      idField: 'id',
      pagination: { type: 'page', size: 10 },
    });
    expect(ids(pages)).toEqual(all);
    const last = t.server.stats.requests.filter((r) => r.url.startsWith('/items/search')).at(-1);
    expect(last?.url).toContain('page=3');
  });

  it('gives records their position as id without idField, and refuses a records path that is not an array', async () => {
    const conn = connect(t.server.url);
    const pages = await readPages(conn, {
      path: '/items/offset',
      recordsPath: 'data.items',
      pagination: { type: 'offset', limit: 10 },
    });
    expect(ids(pages)).toEqual(all);
    expect(pages[1]?.records[0]?.meta.position).toBe('GET /items/offset#11');
    await expect(readPages(conn, { path: '/items/offset', recordsPath: 'total' })).rejects.toMatchObject({
      message: expect.stringContaining('records path "total" matches no array'),
    });
  });

  it('names the response keys when recordsPath matches nothing or the answer is not an array', async () => {
    const conn = connect(t.server.url);
    await expect(readPages(conn, { path: '/items/offset', recordsPath: 'data.rows' })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
      message: expect.stringMatching(/records path "data.rows" matches nothing — the response keys are items/),
    });
    await expect(readPages(conn, { path: '/items/offset' })).rejects.toMatchObject({
      message: expect.stringContaining('the response keys are data, total'),
    });
  });

  it('retries 5xx with exponential backoff on ctx.clock, then succeeds', async () => {
    const clock = recordingClock();
    const conn = connect(t.server.url);
    const pages = await readPages(
      conn,
      { path: '/flaky?key=s1&times=2', retry: { maxAttempts: 5, baseMs: 10, maxMs: 1000 } },
      { ctx: testContext(clock) },
    );
    expect(ids(pages)).toEqual(['1']);
    expect(clock.sleeps).toEqual([10, 20]);
  });

  it.each([
    ['seconds', '/limited?key=s2&times=1&retryAfter=2', 2000],
    ['an HTTP date', '/limited?key=s3&times=1&retryAfter=3&date=1', 1000],
  ])('waits at least Retry-After given as %s on a 429', async (_n, path, atLeast) => {
    const clock = recordingClock();
    const conn = connect(t.server.url);
    await readPages(conn, { path, retry: { maxAttempts: 3, baseMs: 10, maxMs: 50 } }, { ctx: testContext(clock) });
    expect(clock.sleeps).toHaveLength(1);
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(atLeast);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(3000);
  });

  it('gives up after maxAttempts with TRANSIENT_IO naming the request', async () => {
    const conn = connect(t.server.url);
    const before = t.server.stats.count('/flaky');
    await expect(readPages(conn, { path: '/flaky?key=s4&times=99&status=503' })).rejects.toMatchObject({
      code: 'TRANSIENT_IO',
      kind: 'transient',
      where: `http connection ${t.server.url}`,
      message: expect.stringContaining(`GET ${t.server.url}/flaky?key=s4&times=99&status=503 answered 503`),
    });
    expect(t.server.stats.count('/flaky') - before).toBe(3);
  });

  it.each([
    ['/status/404', 'HTTP_REJECTED', 'config', 'answered 404 Not Found: {"error":"status 404"'],
    ['/status/401', 'HTTP_AUTH', 'config', 'answered 401'],
    ['/malformed', 'HTTP_BAD_RESPONSE', 'config', 'malformed JSON (content-type application/json'],
    [
      '/html',
      'HTTP_BAD_RESPONSE',
      'config',
      'content-type text/html where JSON was expected; it starts with: <!doctype html><html><body>Please log in',
    ],
  ])('%s fails with %s', async (path, code, kind, text) => {
    const conn = connect(t.server.url);
    await expect(readPages(conn, { path })).rejects.toMatchObject({
      code,
      kind,
      message: expect.stringContaining(text),
    });
  });

  it('keeps an API key out of checkpoints and messages', async () => {
    const conn = connect(t.server.url, {
      auth: { type: 'apiKey', name: 'api_key', value: TEST_CREDENTIALS.apiKey, in: 'query' },
    });
    const pages = await readPages(conn, {
      path: '/items/offset',
      recordsPath: 'data.items',
      pagination: { type: 'offset', limit: 10 },
    });
    expect(JSON.stringify(pages.map((p) => p.checkpoint))).not.toContain(TEST_CREDENTIALS.apiKey);
    expect(t.server.stats.requests.at(-1)?.url).toContain(`api_key=${TEST_CREDENTIALS.apiKey}`);
    const error = (await readPages(conn, { path: '/status/400' }).catch((e: Error) => e)) as Error;
    expect(error.message).toContain('api_key=***');
    expect(error.message).not.toContain(TEST_CREDENTIALS.apiKey);
  });

  it('rejects a checkpoint that is not its own and reads nothing after a finished one', async () => {
    const conn = connect(t.server.url);
    await expect(readPages(conn, { path: '/items/all' }, { from: 42 })).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
    expect(await readPages(conn, { path: '/items/all' }, { from: { done: true } })).toEqual([]);
  });
});
