import { describe, expect, it } from 'vitest';
import { connect, ids, readPages, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { requestSource } from './request-source.js';

const t = useHttpTestServer({ records: 7 });
const all = Array.from({ length: 7 }, (_, i) => String(i + 1));

describe('http.request pagination paths', () => {
  it('follows an OData @odata.nextLink written as a bracketed key to the last page', async () => {
    const conn = connect(t.server.url);
    const before = t.server.stats.count('/items/odata');
    const pages = await readPages(conn, {
      path: '/items/odata?$top=3',
      recordsPath: 'value',
      idField: 'id',
      pagination: { type: 'nextUrl', nextPath: '["@odata.nextLink"]' },
    });
    expect(ids(pages)).toEqual(all);
    expect(t.server.stats.count('/items/odata') - before).toBe(3);
    expect(pages.at(-1)?.checkpoint).toEqual({ done: true });
  });

  it('takes the cursor from the last record (data[-1].id) until an empty page', async () => {
    const conn = connect(t.server.url);
    const before = t.server.stats.count('/items/after');
    const pages = await readPages(conn, {
      path: '/items/after',
      query: { limit: 3 },
      recordsPath: 'data',
      idField: 'id',
      pagination: { type: 'cursor', cursorPath: 'data[-1].id', cursorParam: 'after' },
    });
    expect(ids(pages)).toEqual(all);
    // 3 + 3 + 1 records, then the empty page that ends it
    expect(t.server.stats.count('/items/after') - before).toBe(4);
    expect(t.server.stats.requests.at(-1)?.url).toContain('after=7');
  });

  it.each([
    ['cursor', { cursorPath: 'meta.nextCursor' }, '/items/cursor', 'cursorPath "meta.nextCursor"', 'meta'],
    ['cursor', { cursorPath: 'items[-1].ID', cursorParam: 'after' }, '/items/cursor', 'items[-1].ID', 'id, name'],
    ['nextUrl', { nextPath: 'link.next' }, '/items/next', 'nextPath "link.next"', 'items, links'],
    ['nextUrl', { nextPath: '@odata.nextLink' }, '/items/odata?$top=3', 'nextPath "@odata.nextLink"', '@odata.context'],
  ])(
    '%s: a path that finds nothing in a page with records fails the run naming the path and the page (%j)',
    async (type, paths, path, named, keys) => {
      const conn = connect(t.server.url);
      const read = readPages(conn, {
        path,
        query: { limit: 3 },
        recordsPath: path.startsWith('/items/odata') ? 'value' : 'items',
        pagination: { type, ...paths },
      });
      await expect(read).rejects.toMatchObject({
        code: 'HTTP_PAGINATION_PATH',
        kind: 'config',
        message: expect.stringMatching(new RegExp(`${literal(named)}.*page 1.*${literal(keys)}`)),
      });
    },
  );

  it('a next-page value that is not a URL fails instead of ending', async () => {
    const conn = connect(t.server.url);
    await expect(
      readPages(conn, {
        path: '/items/next?limit=3',
        recordsPath: 'items',
        pagination: { type: 'nextUrl', nextPath: 'links' },
      }),
    ).rejects.toMatchObject({ code: 'HTTP_PAGINATION_PATH', message: expect.stringContaining('not a URL') });
  });

  it.each([
    ['offset', { type: 'offset', offsetParam: 'skip', limit: 3 }],
    ['page', { type: 'page', pageParam: 'p' }],
  ])(
    '%s: an API that ignores the page parameter fails with HTTP_PAGINATION_LOOP instead of reading forever',
    async (_n, pagination) => {
      const conn = connect(t.server.url);
      const before = t.server.stats.count('/items/stuck');
      await expect(
        readPages(conn, { path: '/items/stuck', recordsPath: 'items', pagination: { ...pagination, maxPages: 50 } }),
      ).rejects.toMatchObject({
        code: 'HTTP_PAGINATION_LOOP',
        message: expect.stringMatching(
          /\(page 2\) answered exactly what the page before it answered; the API seems to ignore "(skip|p)"/,
        ),
      });
      expect(t.server.stats.count('/items/stuck') - before).toBe(2);
    },
  );

  it.each([
    [{ recordsPath: 'data[' }, ['recordsPath'], 'unclosed "["'],
    [{ idField: 'a..b' }, ['idField'], 'empty segment'],
    [{ pagination: { type: 'cursor', cursorPath: 'data[last].id' } }, ['pagination', 'cursorPath'], 'neither an index'],
    [{ pagination: { type: 'nextUrl', nextPath: '["@odata.nextLink"' } }, ['pagination', 'nextPath'], 'unclosed'],
    [{ path: '/items/{{data[}}' }, ['path'], 'unclosed "["'],
  ])('rejects the malformed path %j when the config is validated', (config, at, reason) => {
    const parsed = requestSource.config.safeParse(config);
    expect(parsed.success).toBe(false);
    const issue = parsed.error?.issues[0];
    expect(issue?.path).toEqual(at);
    expect(issue?.message).toContain(reason);
    expect(issue?.message).toContain('meta["a.b"]');
  });
});

function literal(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
