import { describe, expect, it } from 'vitest';
import { FlowError } from '../../sdk/index.js';
import { bodyExcerpt, createMasker } from './mask.js';
import { nextLink } from './paging/link-header.js';
import { retryAfterMs } from './rate/retry-after.js';
import { retryDelay } from './request-retry.js';

describe('http helpers', () => {
  it.each([
    ['<https://a.io/x?page=2>; rel="next", <https://a.io/x?page=9>; rel="last"', 'https://a.io/x?page=2'],
    ['<https://a.io/x?page=1>; rel="prev", </x?page=3>; rel=next', 'https://a.io/x?page=3'],
    ['<https://a.io/y>; title="a, b"; rel="last next"', 'https://a.io/y'],
    ['<https://a.io/x?page=9>; rel="last"', undefined],
    [null, undefined],
  ])('nextLink(%s)', (header, expected) => {
    expect(nextLink(header, 'https://a.io/x?page=1')).toBe(expected);
  });

  it.each([
    ['120', 120_000],
    ['0.5', 500],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    ['soon', undefined],
    [null, undefined],
  ])('retryAfterMs(%s)', (header, expected) => {
    expect(retryAfterMs(header, new Date(Date.UTC(2026, 0, 1)))).toBe(expected);
  });

  it('retry delay doubles up to maxMs and never undercuts Retry-After', () => {
    const o = { maxAttempts: 5, baseMs: 100, maxMs: 350 };
    expect([1, 2, 3, 4].map((n) => retryDelay(o, n, new Error('x')))).toEqual([100, 200, 350, 350]);
    expect(retryDelay(o, 1, new FlowError('TRANSIENT_IO', 'x', { retryAfterMs: 5000 }))).toBe(5000);
  });

  it('masks secret values, secret query parameters and URL passwords', () => {
    const m = createMasker(['tok-123', 'ab'], ['api_key']);
    expect(m.url('https://u:pw@a.io/x?api_key=k1&q=tok-123')).toBe('https://u:***@a.io/x?api_key=***&q=***');
    expect(m.text('Bearer tok-123 ab')).toBe('Bearer *** ab');
    expect(bodyExcerpt(`  a\n\n b ${'x'.repeat(400)}`, 10)).toBe('a b xxxxxx…');
  });
});
