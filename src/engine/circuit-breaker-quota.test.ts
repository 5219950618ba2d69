import { describe, expect, it } from 'vitest';
import { FlowError, ManualClock } from '../sdk/index.js';
import { type BreakerSnapshot, CircuitBreaker, defaultBreaker } from './circuit-breaker.js';
import { defaultRetry, transientRetry } from './retry-policy.js';

const transient = (e: unknown) => e instanceof FlowError && e.kind === 'transient';
const start = Date.UTC(2026, 0, 1);

describe('circuit breaker and a quota exhausted until T (FlowError.blockedUntil)', () => {
  it('opens at the first such failure until T (not openFor), then probes', async () => {
    const clock = new ManualClock(start);
    const saved: BreakerSnapshot[] = [];
    const b = new CircuitBreaker('shop', { ...defaultBreaker, failures: 5, openForMs: 30_000 }, clock, (s) =>
      saved.push(s),
    );
    const until = new Date(start + 3_600_000);
    const exhausted = () =>
      Promise.reject(new FlowError('TRANSIENT_IO', 'quota exhausted', { kind: 'transient', blockedUntil: until }));
    const code = (p: Promise<string>) => p.catch((e: FlowError) => e.code);
    expect(await code(b.execute(exhausted, transient))).toBe('TRANSIENT_IO');
    expect(b.current()).toBe('open');
    expect(b.retryAt()).toEqual(until);
    const refused = await b.execute(() => Promise.resolve('ok'), transient).catch((e: FlowError) => e);
    expect(refused).toMatchObject({ code: 'CIRCUIT_OPEN', retryAfterMs: 3_600_000 });
    clock.advance(3_600_000 - 1);
    expect(b.current()).toBe('open');
    clock.advance(1);
    expect(b.current()).toBe('half-open');
    expect(await b.execute(() => Promise.resolve('ok'), transient)).toBe('ok');
    expect(b.current()).toBe('closed');
    // the store keeps it: a restarted process opens until T as well
    const restarted = new CircuitBreaker(
      'shop',
      { ...defaultBreaker, openForMs: 30_000 },
      new ManualClock(start),
      () => undefined,
      saved[0],
    );
    expect(restarted.retryAt()).toEqual(until);
  });

  it('a blockedUntil already past counts as an ordinary failure', async () => {
    const clock = new ManualClock(start);
    const b = new CircuitBreaker('shop', { ...defaultBreaker, failures: 2 }, clock);
    const past = () =>
      Promise.reject(new FlowError('TRANSIENT_IO', 'x', { kind: 'transient', blockedUntil: new Date(start - 1) }));
    await b.execute(past, transient).catch(() => undefined);
    expect(b.current()).toBe('closed');
  });

  it('the retry policy leaves such a failure to the breaker instead of sleeping until T', async () => {
    const clock = new ManualClock(start);
    let calls = 0;
    const policy = transientRetry({ ...defaultRetry, maxAttempts: 5 }, clock);
    const error = await policy
      .execute(async () => {
        calls++;
        throw new FlowError('TRANSIENT_IO', 'quota', {
          kind: 'transient',
          retryAfterMs: 3_600_000,
          blockedUntil: new Date(start + 3_600_000),
        });
      })
      .catch((e: FlowError) => e);
    expect([calls, error.code, clock.pending]).toEqual([1, 'TRANSIENT_IO', 0]);
  });
});
