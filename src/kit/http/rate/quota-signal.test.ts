import { describe, expect, it } from 'vitest';
import { costBucket, costOf } from './cost-bucket.js';
import { quotaHeaders } from './quota-headers.js';
import { usageText } from './quota-signal.js';
import { usageHeader } from './usage-header.js';

const now = new Date(Date.UTC(2026, 0, 1));

describe('quota signals from vendor answers', () => {
  it('Salesforce Sforce-Limit-Info: api-usage=25/15000 (with other entries around it)', () => {
    const read = usageHeader('Sforce-Limit-Info', { key: 'api-usage' });
    const signal = read(
      new Headers({ 'sforce-limit-info': 'per-app-api-usage=3/250(appName=x), api-usage=25/15000' }),
      now,
    );
    expect(signal).toEqual({ name: 'api-usage', used: 25, limit: 15000, remaining: 14975 });
    expect(usageText(signal as NonNullable<typeof signal>)).toBe('api-usage 25/15000');
    expect(read(new Headers({ 'sforce-limit-info': 'api-bursts=1/10' }), now)).toBeUndefined();
    expect(read(new Headers(), now)).toBeUndefined();
  });

  it("Shopify's X-Shopify-Shop-Api-Call-Limit: 32/40 is a bucket restoring 2/s", () => {
    const read = usageHeader('X-Shopify-Shop-Api-Call-Limit', { restorePerSecond: 2 });
    expect(read(new Headers({ 'x-shopify-shop-api-call-limit': '32/40' }), now)).toEqual({
      name: 'x-shopify-shop-api-call-limit',
      used: 32,
      limit: 40,
      remaining: 8,
      restorePerSecond: 2,
    });
  });

  it.each([
    ['seconds', '30', now.getTime() + 30_000],
    ['epoch-seconds', String(now.getTime() / 1000 + 60), now.getTime() + 60_000],
    ['epoch-ms', String(now.getTime() + 90_000), now.getTime() + 90_000],
    ['http-date', 'Thu, 01 Jan 2026 00:02:00 GMT', now.getTime() + 120_000],
  ] as const)('X-RateLimit-* headers with a reset in %s', (resetFormat, reset, at) => {
    const read = quotaHeaders({
      remaining: 'X-RateLimit-Remaining',
      limit: 'X-RateLimit-Limit',
      reset: 'X-RateLimit-Reset',
      resetFormat,
    });
    const h = new Headers({ 'x-ratelimit-remaining': '12', 'x-ratelimit-limit': '100', 'x-ratelimit-reset': reset });
    expect(read(h, now)).toEqual({
      name: 'x-ratelimit-remaining',
      remaining: 12,
      limit: 100,
      used: 88,
      resetAt: new Date(at),
    });
  });

  it('no remaining header, no signal', () => {
    expect(
      quotaHeaders({ remaining: 'X-RateLimit-Remaining' })(new Headers({ 'x-ratelimit-limit': '5' }), now),
    ).toBeUndefined();
  });

  it('a GraphQL cost bucket and the cost of the query', () => {
    const body = {
      extensions: {
        cost: {
          requestedQueryCost: 72,
          throttleStatus: { maximumAvailable: 2000, currentlyAvailable: 1928, restoreRate: 100 },
        },
      },
    };
    expect(costBucket(body)).toEqual({
      name: 'graphql cost',
      limit: 2000,
      remaining: 1928,
      used: 72,
      restorePerSecond: 100,
    });
    expect(costOf(body)).toBe(72);
    expect(costBucket({ data: [] })).toBeUndefined();
  });
});
