import { describe, expect, it } from 'vitest';
import type { Json } from '../../../sdk/index.js';
import { bodyCursorPaging } from './body-cursor-paging.js';
import { linkHeaderPaging } from './link-header-paging.js';
import { loopGuard } from './loop-guard.js';
import { nextUrlPaging } from './next-url-paging.js';
import { offsetPaging } from './offset-paging.js';
import { pageNumberPaging } from './page-number-paging.js';
import type { PageAnswer } from './paging.js';

const answer = (body: Json, items: Json[], o: { url?: string; link?: string } = {}): PageAnswer => ({
  body,
  items,
  headers: new Headers(o.link ? { link: o.link } : {}),
  url: o.url ?? 'https://api.example.com/v1/items?page=1',
  request: 'GET https://api.example.com/v1/items',
  page: 1,
  where: 'http connection https://api.example.com',
});
const three = [{ id: 1 }, { id: 2 }, { id: 3 }];

describe('paging strategies', () => {
  it('page number: page and size parameters, ends at a short page', () => {
    const p = pageNumberPaging({ param: 'p', start: 0, sizeParam: 'per_page', size: 3 });
    expect(p.query(p.first)).toEqual({ p: '0', per_page: '3' });
    const next = p.next(answer(three, three), p.first);
    expect(next?.state).toMatchObject({ page: 1, read: 3 });
    expect(p.query(next?.state ?? p.first)).toEqual({ p: '1', per_page: '3' });
    expect(p.next(answer(three.slice(0, 2), three.slice(0, 2)), p.first)).toBeUndefined();
  });

  it('offset/limit: the offset moves by the records answered (NetSuite SuiteQL style)', () => {
    const p = offsetPaging({ limit: 3 });
    expect(p.query(p.first)).toEqual({ offset: '0', limit: '3' });
    const next = p.next(answer(three, three), p.first);
    expect(p.query(next?.state ?? p.first)).toEqual({ offset: '3', limit: '3' });
    expect(p.next(answer([], []), p.first)).toBeUndefined();
  });

  it('cursor in the body (HubSpot paging.next.after): sent back as a parameter; absent ends', () => {
    const p = bodyCursorPaging({ cursorPath: 'paging.next.after', cursorParam: 'after' });
    const body = { results: three, paging: { next: { after: 'MTA=' } } };
    const next = p.next(answer(body, three), p.first);
    expect(p.query(next?.state ?? p.first)).toEqual({ after: 'MTA=' });
    expect(p.next(answer({ results: three }, three), p.first)).toBeUndefined();
  });

  it('a cursor path that is plainly wrong fails instead of ending the read', () => {
    const p = bodyCursorPaging({ cursorPath: 'meta.nextCursor' });
    expect(() => p.next(answer({ meta: { next_cursor: 'c2' } }, three), p.first)).toThrow(/did you mean "next_cursor"/);
  });

  it('next URL in the body: Salesforce nextRecordsUrl (relative) resolves against the request; done ends', () => {
    const p = nextUrlPaging({ nextPath: 'nextRecordsUrl' });
    const url = 'https://acme.my.salesforce.com/services/data/v65.0/query?q=SELECT+Id+FROM+Account';
    const body = {
      totalSize: 5,
      done: false,
      nextRecordsUrl: '/services/data/v65.0/query/01gRO0000016PIAYA2-2000',
      records: three,
    };
    expect(p.next(answer(body, three, { url }), p.first)).toMatchObject({
      url: 'https://acme.my.salesforce.com/services/data/v65.0/query/01gRO0000016PIAYA2-2000',
      state: { page: 2, read: 3 },
    });
    expect(p.next(answer({ done: true, records: three }, three, { url }), p.first)).toBeUndefined();
    const odata = nextUrlPaging({ nextPath: '["@odata.nextLink"]' });
    const abs = 'https://sap.example.com/odata/Orders?$skiptoken=10';
    expect(odata.next(answer({ value: three, '@odata.nextLink': abs }, three), odata.first)?.url).toBe(abs);
  });

  it('Link header (Shopify): rel="next" followed, none ends', () => {
    const link = '<https://shop.myshopify.com/admin/api/2025-01/orders.json?page_info=abc>; rel="next"';
    expect(linkHeaderPaging.next(answer(three, three, { link }), linkHeaderPaging.first)?.url).toBe(
      'https://shop.myshopify.com/admin/api/2025-01/orders.json?page_info=abc',
    );
    expect(linkHeaderPaging.next(answer(three, three), linkHeaderPaging.first)).toBeUndefined();
  });
});

describe('loop guard', () => {
  it('the same cursor / URL asked twice stops with HTTP_PAGINATION_LOOP', () => {
    const guard = loopGuard(linkHeaderPaging, { where: 'w' });
    guard.request('GET', 'https://a/x?page_info=1', undefined, 'URL https://a/x?page_info=1');
    guard.request('GET', 'https://a/x?page_info=2', undefined, 'URL https://a/x?page_info=2');
    expect(() => guard.request('GET', 'https://a/x?page_info=1', undefined, 'URL …1')).toThrow(
      expect.objectContaining({ code: 'HTTP_PAGINATION_LOOP' }),
    );
  });

  it('an API ignoring the page parameter answers the same page again: stops, naming the parameter', () => {
    const paging = pageNumberPaging({ param: 'pg' });
    const guard = loopGuard(paging, { where: 'w', param: 'pg' });
    guard.answer('[{"id":1}]', 'GET /x?pg=1', 1);
    expect(() => guard.answer('[{"id":1}]', 'GET /x?pg=2', 2)).toThrow(/ignore "pg"/);
    // empty answers repeat legitimately
    const other = loopGuard(paging, { where: 'w' });
    other.answer('[]', 'GET /x', 1);
    expect(() => other.answer('[]', 'GET /x', 2)).not.toThrow();
  });
});
