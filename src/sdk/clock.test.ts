import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from './clock.js';

describe('ManualClock', () => {
  it('only moves when told, waking due sleepers in time order', async () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const woke: string[] = [];
    const a = clock.sleep(300).then(() => woke.push('a'));
    const b = clock.sleep(100).then(() => woke.push('b'));
    const c = clock.sleep(1000).then(() => woke.push('c'));
    expect(clock.pending).toBe(3);
    clock.advance(99);
    await Promise.resolve();
    expect(woke).toEqual([]);
    clock.advance(201);
    await Promise.all([a, b]);
    expect(woke).toEqual(['b', 'a']);
    expect(clock.pending).toBe(1);
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:00.300Z');
    clock.set(Date.UTC(2026, 0, 1, 0, 0, 1));
    await c;
    expect(woke).toEqual(['b', 'a', 'c']);
  });

  it('rejects a sleep when its signal aborts, and forgets it', async () => {
    const clock = new ManualClock();
    const abort = new AbortController();
    const sleeping = clock.sleep(1000, abort.signal);
    abort.abort(new Error('stop'));
    await expect(sleeping).rejects.toThrow('stop');
    expect(clock.pending).toBe(0);
    await expect(clock.sleep(5, abort.signal)).rejects.toThrow('stop');
  });
});

describe('systemClock', () => {
  it('sleeps for real and can be aborted', async () => {
    const t0 = Date.now();
    await systemClock.sleep(20);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(15);
    const abort = new AbortController();
    const sleeping = systemClock.sleep(10_000, abort.signal);
    abort.abort(new Error('canceled'));
    await expect(sleeping).rejects.toThrow('canceled');
  });
});
