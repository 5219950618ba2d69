import { describe, expect, it } from 'vitest';
import { FlowError, ManualClock } from '../sdk/index.js';
import { defaultRetry, type RetryOptions, resolveRetry, retryDelay, transientRetry } from './retry-policy.js';

const options: RetryOptions = { maxAttempts: 4, backoff: 'exponential', baseMs: 100, maxMs: 1000, jitter: false };

describe('retry policy', () => {
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
    const clock = new ManualClock(0);
    const policy = transientRetry({ ...defaultRetry, baseMs: 60_000, maxMs: 600_000 }, clock);
    const times: number[] = [];
    const outcome = policy
      .execute(async () => {
        times.push(clock.now().getTime());
        throw new FlowError('TRANSIENT_IO', 'HTTP 503');
      })
      .catch((e: unknown) => e);
    await clock.tick(59_999);
    expect(times).toEqual([0]);
    await clock.tick(1);
    expect(times).toEqual([0, 60_000]);
    await clock.tick(120_000);
    expect(times).toEqual([0, 60_000, 180_000]);
    expect(await outcome).toMatchObject({ code: 'TRANSIENT_IO' });
    expect(clock.pending).toBe(0);
  });

  it('stops waiting at once when the signal aborts, failing with the last error', async () => {
    const clock = new ManualClock(0);
    const abort = new AbortController();
    let calls = 0;
    const outcome = transientRetry(defaultRetry, clock)
      .execute(async () => {
        calls += 1;
        throw new FlowError('TRANSIENT_IO', 'HTTP 503');
      }, abort.signal)
      .catch((e: unknown) => e);
    await clock.tick(0);
    expect(clock.pending).toBe(1); // waiting 1 s before the 2nd call
    abort.abort(new Error('canceled'));
    expect(await outcome).toMatchObject({ code: 'TRANSIENT_IO' });
    expect(calls).toBe(1);
    expect(clock.pending).toBe(0);
  });

  it('retries transient errors only, up to maxAttempts calls in all', async () => {
    const clock = new ManualClock(0);
    const policy = transientRetry({ ...options, maxAttempts: 3, baseMs: 1, maxMs: 2 }, clock);
    let calls = 0;
    await expect(
      clock.drive(
        policy.execute(async () => {
          calls += 1;
          throw new FlowError('DB_BUSY', 'locked', { kind: 'transient' });
        }),
      ),
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
