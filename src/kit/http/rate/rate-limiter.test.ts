import { describe, expect, it } from 'vitest';
import { type FlowError, ManualClock } from '../../../sdk/index.js';
import { costBucket } from './cost-bucket.js';
import { quotaHeaders } from './quota-headers.js';
import { createRateLimiter } from './rate-limiter.js';
import { usageHeader } from './usage-header.js';

const start = Date.UTC(2026, 0, 1);

/** Starts `n` calls through the limiter; `started` holds each call's start time (ms since start) in order. */
function run(limiter: ReturnType<typeof createRateLimiter>, clock: ManualClock, n: number, cost?: number) {
  const ctx = { clock, signal: new AbortController().signal };
  const started: number[] = [];
  const done = Promise.all(
    Array.from({ length: n }, () =>
      limiter.schedule(async () => void started.push(clock.now().getTime() - start), ctx, cost),
    ),
  );
  return { started, done };
}

/** Lets the limiter's promises settle, then moves the manual clock to its next sleep until none is left. */
async function drain(clock: ManualClock, done: Promise<unknown>) {
  let finished = false;
  void done.then(() => {
    finished = true;
  });
  for (let i = 0; i < 1000 && !finished; i++) {
    await new Promise((r) => setImmediate(r));
    const next = clock.nextAt();
    if (next) clock.advance(next.getTime() - clock.now().getTime());
  }
  await done;
}

describe('rate limiter on the injected clock', () => {
  it('perSecond with bursts: a burst at once, then one request per 1/perSecond', async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter({ perSecond: 10, burst: 3 });
    const { started, done } = run(limiter, clock, 6);
    await drain(clock, done);
    expect(started).toEqual([0, 0, 0, 100, 200, 300]);
  });

  it('concurrency: at most N calls in flight', async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter({ concurrency: 2 });
    const ctx = { clock, signal: new AbortController().signal };
    let inFlight = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 6 }, () =>
        limiter.schedule(async () => {
          inFlight++;
          most = Math.max(most, inFlight);
          await new Promise((r) => setImmediate(r));
          inFlight--;
        }, ctx),
      ),
    );
    expect(most).toBe(2);
  });

  it('a quota below its reserve is spread over the time to its reset (X-RateLimit-*)', async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter({ reserve: 0.5 });
    const read = quotaHeaders({
      remaining: 'X-RateLimit-Remaining',
      limit: 'X-RateLimit-Limit',
      reset: 'X-RateLimit-Reset',
    });
    const headers = new Headers({ 'x-ratelimit-remaining': '4', 'x-ratelimit-limit': '10', 'x-ratelimit-reset': '8' });
    limiter.observe(read(headers, clock.now()) as NonNullable<ReturnType<typeof read>>, clock.now());
    const { started, done } = run(limiter, clock, 4);
    await drain(clock, done);
    // 4 left of 10 (under the reserve of 5), 8 s to the reset: one request every ~2 s, not 4 at once
    expect(started[0]).toBe(0);
    expect(started[1]).toBeGreaterThanOrEqual(1900);
    expect(started[3]).toBeGreaterThanOrEqual(5000);
    expect(started[3]).toBeLessThanOrEqual(8000);
  });

  it('waits for a window reset when the quota is spent, within maxWait', async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter({ maxWaitMs: 10_000 });
    limiter.observe({ name: 'x-ratelimit', remaining: 0, limit: 100, resetAt: new Date(start + 5000) }, clock.now());
    const { started, done } = run(limiter, clock, 2);
    await drain(clock, done);
    expect(started).toEqual([5000, 5000]);
  });

  it('a quota spent until later than maxWait fails at once with blockedUntil (the breaker opens until then)', async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter({ maxWaitMs: 60_000 });
    const reset = new Date(start + 3_600_000);
    limiter.observe({ name: 'api-usage', used: 15000, limit: 15000, resetAt: reset }, clock.now());
    const error = await limiter
      .schedule(async () => 'sent', { clock, signal: new AbortController().signal })
      .catch((e: FlowError) => e);
    expect(error).toMatchObject({
      code: 'TRANSIENT_IO',
      kind: 'transient',
      blockedUntil: reset,
      retryAfterMs: 3_600_000,
    });
    expect((error as FlowError).message).toContain('api-usage 15000/15000');
  });

  it("a cost bucket (Shopify GraphQL throttleStatus) waits until the query's cost is restored", async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter();
    const body = {
      data: {},
      extensions: {
        cost: {
          requestedQueryCost: 100,
          throttleStatus: { maximumAvailable: 1000, currentlyAvailable: 50, restoreRate: 50 },
        },
      },
    };
    limiter.observe(costBucket(body) as NonNullable<ReturnType<typeof costBucket>>, clock.now());
    const { started, done } = run(limiter, clock, 2, 100);
    await drain(clock, done);
    // 50 available, 100 needed at 50/s → 1 s; the second needs another 100 → 2 s more
    expect(started).toEqual([1000, 3000]);
  });

  it("a leaky bucket (Shopify's call limit header) slows to its restore rate in the reserve", async () => {
    const clock = new ManualClock(start);
    const limiter = createRateLimiter();
    const read = usageHeader('X-Shopify-Shop-Api-Call-Limit', { restorePerSecond: 2 });
    const signal = read(new Headers({ 'x-shopify-shop-api-call-limit': '38/40' }), clock.now());
    limiter.observe(signal as NonNullable<typeof signal>, clock.now());
    const { started, done } = run(limiter, clock, 3);
    await drain(clock, done);
    expect(started).toEqual([0, 500, 1000]);
    expect(limiter.usage().map((s) => s.name)).toEqual(['x-shopify-shop-api-call-limit']);
  });
});
