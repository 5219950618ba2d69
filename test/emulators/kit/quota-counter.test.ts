import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { createQuotaCounter } from './quota-counter.js';

describe('quota counter', () => {
  it('fixed windows: refuses past the limit until the next window, per key, without counting refusals', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 0, 0, 0, 400));
    const quota = createQuotaCounter({ clock, limit: 2, windowMs: 1000 });
    expect(quota.take('a')).toEqual({ allowed: true, used: 1, limit: 2, remaining: 1, retryAfterMs: 0 });
    expect(quota.take('a').remaining).toBe(0);
    expect(quota.take('a')).toEqual({ allowed: false, used: 2, limit: 2, remaining: 0, retryAfterMs: 600 });
    expect(quota.take('b').allowed).toBe(true);
    expect(quota.peek('a').used).toBe(2);
    clock.advance(600);
    expect(quota.take('a')).toMatchObject({ allowed: true, used: 1 });
    quota.reset();
    expect(quota.peek('a').used).toBe(0);
  });

  it('a day that starts at an offset (Marketo: midnight US Central)', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1, 5, 59));
    const day = createQuotaCounter({ clock, limit: 1, windowMs: 86_400_000, offsetMs: 6 * 3_600_000 });
    day.take();
    expect(day.take()).toMatchObject({ allowed: false, retryAfterMs: 60_000 });
    clock.advance(60_000);
    expect(day.take().allowed).toBe(true);
  });

  it('rolling windows (Salesforce: the last 24 h): a call frees up when it is windowMs old', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const quota = createQuotaCounter({ clock, limit: 2, windowMs: 10_000, mode: 'rolling' });
    quota.take();
    clock.advance(4000);
    quota.take();
    expect(quota.take()).toMatchObject({ allowed: false, retryAfterMs: 6000 });
    clock.advance(5999);
    expect(quota.take().allowed).toBe(false);
    clock.advance(1);
    expect(quota.take()).toMatchObject({ allowed: true, used: 2 });
  });
});
