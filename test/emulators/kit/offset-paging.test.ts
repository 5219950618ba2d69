import { describe, expect, it } from 'vitest';
import { offsetPage, readOffsetParams } from './offset-paging.js';
import { linkHeader, relative, requestUrl, withQuery } from './page-links.js';

const limits = { defaultLimit: 10, maxLimit: 100 };

describe('offset paging', () => {
  it('reads offset and limit with defaults and refuses bad or too large values', () => {
    expect(readOffsetParams(undefined, undefined, limits)).toEqual({ ok: true, offset: 0, limit: 10 });
    expect(readOffsetParams('20', '5', limits)).toEqual({ ok: true, offset: 20, limit: 5 });
    expect(readOffsetParams('-1', '5', limits)).toEqual({
      ok: false,
      message: 'offset must be a whole number of at least 0, got "-1"',
    });
    expect(readOffsetParams('0', '0', limits)).toEqual({
      ok: false,
      message: 'limit must be a whole number of at least 1, got "0"',
    });
    expect(readOffsetParams('0', '1001', limits, { offset: '$skip', limit: '$top' })).toEqual({
      ok: false,
      message: '$top must be at most 100, got 1001',
    });
  });

  it('slices a page and says whether more follow', () => {
    const items = [1, 2, 3, 4, 5];
    expect(offsetPage(items, 0, 2)).toEqual({
      items: [1, 2],
      offset: 0,
      limit: 2,
      total: 5,
      hasMore: true,
      nextOffset: 2,
    });
    expect(offsetPage(items, 4, 2)).toEqual({ items: [5], offset: 4, limit: 2, total: 5, hasMore: false });
    expect(offsetPage(items, 9, 2)).toMatchObject({ items: [], hasMore: false });
  });
});

describe('page links', () => {
  it('builds next URLs and Link headers', () => {
    const url = requestUrl({ protocol: 'http', headers: { host: '127.0.0.1:8080' }, url: '/v1/items?limit=2&page=1' });
    expect(url).toBe('http://127.0.0.1:8080/v1/items?limit=2&page=1');
    expect(withQuery(url, { page: 2, extra: undefined })).toBe('http://127.0.0.1:8080/v1/items?limit=2&page=2');
    expect(withQuery(url, { limit: undefined })).toBe('http://127.0.0.1:8080/v1/items?page=1');
    expect(relative(withQuery(url, { page: 3 }))).toBe('/v1/items?limit=2&page=3');
    expect(
      linkHeader([
        { rel: 'next', url: 'http://h/a?page=2' },
        { rel: 'first', url: 'http://h/a?page=1' },
      ]),
    ).toBe('<http://h/a?page=2>; rel="next", <http://h/a?page=1>; rel="first"');
  });
});
