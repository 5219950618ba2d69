import { describe, expect, it } from 'vitest';
import { FlowError, ManualClock } from '../sdk/index.js';
import { type BreakerSnapshot, CircuitBreaker, defaultBreaker } from './circuit-breaker.js';

const outage = () => Promise.reject(new FlowError('TRANSIENT_IO', 'HTTP 503'));
const rejected = () => Promise.reject(new FlowError('HTTP_REJECTED', 'HTTP 422'));
const ok = () => Promise.resolve('ok');
const transient = (e: unknown) => e instanceof FlowError && e.kind === 'transient';

function breaker(options: Partial<typeof defaultBreaker> = {}, initial?: BreakerSnapshot) {
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  const changes: string[] = [];
  const b = new CircuitBreaker('erp', { ...defaultBreaker, ...options }, clock, (s) => changes.push(s.state), initial);
  const call = (fn: () => Promise<string>) => b.execute(fn, transient).catch((e: FlowError) => e.code);
  return { b, clock, changes, call };
}

describe('circuit breaker (transitions on the manual clock)', () => {
  it('opens after N consecutive failures, refuses while open, half-opens after openFor, closes on a good probe', async () => {
    const { b, clock, changes, call } = breaker({ failures: 3, openForMs: 30_000 });
    await call(outage);
    await call(outage);
    await call(ok); // a success resets the count
    for (let i = 0; i < 3; i++) expect(await call(outage)).toBe('TRANSIENT_IO');
    expect(b.current()).toBe('open');
    expect(await call(ok)).toBe('CIRCUIT_OPEN');
    expect(b.retryAt()).toEqual(new Date(Date.UTC(2026, 0, 1, 0, 0, 30)));
    clock.advance(29_999);
    expect(b.current()).toBe('open');
    clock.advance(1);
    expect(b.current()).toBe('half-open');
    expect(await call(ok)).toBe('ok');
    expect(b.current()).toBe('closed');
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('admits halfOpenRequests probes at once; a failing probe opens it again for openFor', async () => {
    const { b, clock, call } = breaker({ failures: 1, openForMs: 1000, halfOpenRequests: 2 });
    await call(outage);
    clock.advance(1000);
    const pending: (() => void)[] = [];
    const slow = () => new Promise<string>((resolve) => pending.push(() => resolve('ok')));
    const first = call(slow);
    const second = call(slow);
    expect(await call(ok)).toBe('CIRCUIT_OPEN'); // the third caller waits: two probes are out
    pending[0]?.();
    await first;
    expect(b.current()).toBe('half-open');
    pending[1]?.();
    await second;
    expect(b.current()).toBe('closed');
    await call(outage);
    clock.advance(1000);
    expect(await call(outage)).toBe('TRANSIENT_IO');
    expect(b.current()).toBe('open');
    expect(b.retryAt().getTime()).toBe(clock.now().getTime() + 1000);
  });

  it('opens on a failure ratio over the window once enough calls were seen', async () => {
    const { b, clock, call } = breaker({ failures: 100, ratio: 0.5, windowMs: 10_000, minCalls: 10 });
    for (let i = 0; i < 5; i++) {
      await call(ok);
      await call(outage);
      clock.advance(100);
    }
    expect(b.current()).toBe('open');
    const other = breaker({ failures: 100, ratio: 0.5, windowMs: 1000, minCalls: 10 });
    for (let i = 0; i < 10; i++) {
      await other.call(i % 2 ? outage : ok);
      other.clock.advance(300); // old calls leave the window: never 10 within it
    }
    expect(other.b.current()).toBe('closed');
  });

  it('never counts a rejected record as an outage', async () => {
    const { b, call } = breaker({ failures: 2 });
    for (let i = 0; i < 10; i++) expect(await call(rejected)).toBe('HTTP_REJECTED');
    expect(b.current()).toBe('closed');
  });

  it('starts open from a stored snapshot, for what is left of openFor', () => {
    const at = new Date(Date.UTC(2026, 0, 1) - 10_000);
    const { b, clock } = breaker({ openForMs: 30_000 }, { state: 'open', failures: 5, openedAt: at });
    expect(b.current()).toBe('open');
    clock.advance(20_000);
    expect(b.current()).toBe('half-open');
  });
});
