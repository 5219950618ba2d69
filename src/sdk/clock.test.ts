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

describe('ManualClock timers', () => {
  it('fires timers and sleeps due within an advance in time order, each at its own time', async () => {
    const clock = new ManualClock(0);
    const fired: string[] = [];
    const at = (what: string) => () => fired.push(`${what}@${clock.now().getTime()}`);
    clock.setTimer(300, at('c'));
    clock.setTimer(100, at('a'));
    clock.setTimer(100, at('a2')); // same instant: in the order they were set
    const slept = clock.sleep(200).then(at('sleep'));
    const canceled = clock.setTimer(150, at('never'));
    canceled.cancel();
    canceled.cancel();
    clock.setTimer(1000, at('later'));
    clock.advance(500);
    await slept;
    expect(fired).toEqual(['a@100', 'a2@100', 'c@300', 'sleep@500']);
    expect(clock.now().getTime()).toBe(500);
    expect(clock.timers).toBe(1);
    expect(clock.nextAt()?.getTime()).toBe(1000);
  });

  it('fires timers that timers set within the advanced span, and not those set beyond it', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const chain = () => {
      fired.push(clock.now().getTime());
      clock.setTimer(40, chain);
    };
    clock.setTimer(40, chain);
    clock.advance(130);
    expect(fired).toEqual([40, 80, 120]);
    expect(clock.nextAt()?.getTime()).toBe(160);
  });

  it('every(ms) repeats without drift until canceled, also from inside its own call', () => {
    const clock = new ManualClock(0);
    const fired: number[] = [];
    const timer = clock.every(25, () => {
      fired.push(clock.now().getTime());
      if (fired.length === 4) timer.cancel();
    });
    clock.advance(60);
    expect(fired).toEqual([25, 50]);
    clock.advance(1000);
    expect(fired).toEqual([25, 50, 75, 100]);
    expect(clock.timers).toBe(0);
  });

  it('tick lets woken code run, so a sleep begun after a wake-up within the span wakes too', async () => {
    const clock = new ManualClock(0);
    const woke: number[] = [];
    const loop = (async () => {
      for (let i = 0; i < 3; i++) {
        await clock.sleep(1000);
        woke.push(clock.now().getTime());
      }
    })();
    clock.advance(3000); // plain advance: only the first sleep was waiting; its code runs after
    await Promise.resolve();
    expect(woke).toEqual([3000]);
    await clock.tick(2000);
    await loop;
    expect(woke).toEqual([3000, 4000, 5000]);
  });

  it('drive runs work that waits only on the clock to its end without sleeping, and refuses to run away', async () => {
    const clock = new ManualClock(0);
    const started = performance.now();
    const work = async () => {
      for (let i = 0; i < 1000; i++) await clock.sleep(3_600_000);
      return clock.now().getTime();
    };
    expect(await clock.drive(work(), { maxMs: 1000 * 3_600_000 })).toBe(1000 * 3_600_000);
    expect(performance.now() - started).toBeLessThan(1000);
    const forever = clock.every(1000, () => undefined);
    await expect(clock.drive(new Promise(() => undefined), { maxMs: 10_000 })).rejects.toThrow('did not settle');
    forever.cancel();
    await expect(clock.drive(Promise.reject(new Error('boom')))).rejects.toThrow('boom');
  });
});

describe('systemClock', () => {
  const refTimeouts = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

  it('timers fire and cancel, and never keep the process alive unless asked to', async () => {
    const before = refTimeouts();
    const fired: string[] = [];
    const once = systemClock.setTimer(5, () => fired.push('once'));
    const repeat = systemClock.every(5, () => fired.push('every'));
    const canceled = systemClock.setTimer(5, () => fired.push('canceled'));
    canceled.cancel();
    expect(refTimeouts()).toBe(before); // unref'd
    const kept = systemClock.setTimer(60_000, () => undefined, { keepAlive: true });
    expect(refTimeouts()).toBe(before + 1);
    kept.cancel();
    await systemClock.sleep(30);
    repeat.cancel();
    once.cancel();
    expect(fired).toContain('once');
    expect(fired).toContain('every');
    expect(fired).not.toContain('canceled');
  });

  it('sets a timer longer than setTimeout takes (24.8 days) in legs, instead of firing it at once', async () => {
    const fired: string[] = [];
    const month = 30 * 86_400_000;
    const once = systemClock.setTimer(month, () => fired.push('once'));
    const monthly = systemClock.every(month, () => fired.push('every'));
    await systemClock.sleep(20); // setTimeout alone would take the delay as 1 ms
    expect(fired).toEqual([]);
    once.cancel();
    monthly.cancel();
  });

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
