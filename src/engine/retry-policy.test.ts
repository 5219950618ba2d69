import { describe, expect, it } from 'vitest';
import { FlowError } from '../sdk/index.js';
import { retryDelay, transientRetry } from './retry-policy.js';

const options = { maxAttempts: 4, initialDelayMs: 100, maxDelayMs: 1000 };

describe('retry policy', () => {
  it.each([
    [1, undefined, 100],
    [2, undefined, 200],
    [3, undefined, 400],
    [5, undefined, 1000],
    [1, new FlowError('TRANSIENT_IO', '429', { retryAfterMs: 5000 }), 5000],
    [3, new FlowError('TRANSIENT_IO', '503', { retryAfterMs: 50 }), 400],
  ])('attempt %i waits %#', (attempt, error, expected) => {
    expect(retryDelay(options, attempt, error)).toBe(expected);
  });

  it('retries transient errors only, up to maxAttempts calls in all', async () => {
    const policy = transientRetry({ maxAttempts: 3, initialDelayMs: 1, maxDelayMs: 2 });
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
