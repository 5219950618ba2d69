import { afterEach, describe, expect, it, vi } from 'vitest';
import { FlowError } from '../sdk/index.js';
import { defaultRetry, type RetryOptions, resolveRetry, retryDelay, transientRetry } from './retry-policy.js';

const options: RetryOptions = { maxAttempts: 4, backoff: 'exponential', baseMs: 100, maxMs: 1000, jitter: false };

describe('retry policy', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    [1, undefined, 100],
    [2, undefined, 200],
    [3, undefined, 400],
    [5, undefined, 1000],
    [1, new FlowError('TRANSIENT_IO', '429', { retryAfterMs: 5000 }), 5000],
    [3, new FlowError('TRANSIENT_IO', '503', { retryAfterMs: 50 }), 50],
  ])('exponential: attempt %i waits %#', (attempt, error, expected) => {
    expect(retryDelay(options, attempt, error)).toBe(expected);
  });

  it('fixed waits base every time; jitter spreads the wait over [wait/2, wait]', () => {
    const fixed = { ...options, backoff: 'fixed' as const };
    expect([1, 2, 3].map((a) => retryDelay(fixed, a, undefined))).toEqual([100, 100, 100]);
    const jittered = { ...options, jitter: true };
    expect(retryDelay(jittered, 3, undefined, () => 0)).toBe(200);
    expect(retryDelay(jittered, 3, undefined, () => 1)).toBe(400);
    expect(retryDelay(jittered, 3, undefined, () => 0.5)).toBe(300);
  });

  it('resolves levels key by key: defaults ← flow ← connection ← destination', () => {
    expect(defaultRetry).toEqual({
      maxAttempts: 3,
      backoff: 'exponential',
      baseMs: 1000,
      maxMs: 60_000,
      jitter: false,
    });
    expect(
      resolveRetry(
        defaultRetry,
        { maxAttempts: 5, base: '2s' },
        undefined,
        { backoff: 'fixed', max: '1m' },
        { base: 250 },
      ),
    ).toEqual({ maxAttempts: 5, backoff: 'fixed', baseMs: 250, maxMs: 60_000, jitter: false });
  });

  it("follows the seed's schedule on the clock: attempt 1 at once, then base, then 2×base, then fail", async () => {
    vi.useFakeTimers();
    const policy = transientRetry({ ...defaultRetry, baseMs: 60_000, maxMs: 600_000 });
    const times: number[] = [];
    const started = Date.now();
    const outcome = policy
      .execute(() => {
        times.push(Date.now() - started);
        throw new FlowError('TRANSIENT_IO', 'HTTP 503');
      })
      .catch((e: unknown) => e);
    await vi.advanceTimersByTimeAsync(59_999);
    expect(times).toEqual([0]);
    await vi.advanceTimersByTimeAsync(1);
    expect(times).toEqual([0, 60_000]);
    await vi.advanceTimersByTimeAsync(120_000);
    expect(times).toEqual([0, 60_000, 180_000]);
    expect(await outcome).toMatchObject({ code: 'TRANSIENT_IO' });
  });

  it('retries transient errors only, up to maxAttempts calls in all', async () => {
    const policy = transientRetry({ ...options, maxAttempts: 3, baseMs: 1, maxMs: 2 });
    let calls = 0;
    await expect(
      policy.execute(() => {
        calls += 1;
        throw new FlowError('DB_BUSY', 'locked');
      }),
    ).rejects.toMatchObject({ code: 'DB_BUSY' });
    expect(calls).toBe(3);
    calls = 0;
    await expect(
      policy.execute(() => {
        calls += 1;
        throw new FlowError('RECORD_CONSTRAINT', 'bad');
      }),
    ).rejects.toMatchObject({ code: 'RECORD_CONSTRAINT' });
    expect(calls).toBe(1);
  });
});
