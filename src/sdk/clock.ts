/** A timer set on a clock: `cancel()` stops it (a no-op once it fired, or when called twice). */
export interface Timer {
  cancel(): void;
}

export interface TimerOptions {
  /**
   * Keep the process alive until the timer fires (the system clock's timers are unref'd otherwise).
   * For a time limit on a call someone awaits: the limit must still fire when nothing else is pending.
   */
  readonly keepAlive?: boolean;
}

/**
 * Time, injected: the system clock in production, a manual clock in tests. Everything that waits,
 * times out, repeats or is scheduled asks the clock, never `setTimeout`, `setInterval` or
 * `Date.now()` (measuring how long something took with `performance.now()` is fine).
 */
export interface Clock {
  now(): Date;
  /** Resolves `ms` from now; rejects with the signal's reason when it aborts. Keeps the process alive. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fn` once, `ms` from now. The system clock's timer does not keep the process alive. */
  setTimer(ms: number, fn: () => void, options?: TimerOptions): Timer;
  /** Calls `fn` every `ms` (the first call `ms` from now) until canceled. Never keeps the process alive. */
  every(ms: number, fn: () => void): Timer;
}

/**
 * A signal that aborts `ms` from now on the clock with a `TimeoutError`, as `AbortSignal.timeout`
 * does on the system clock (and, like it, never keeps the process alive); `cancel()` once done.
 */
export function timeoutSignal(clock: Clock, ms: number): { readonly signal: AbortSignal; cancel(): void } {
  const controller = new AbortController();
  const timer = clock.setTimer(ms, () =>
    controller.abort(new DOMException(`The operation was aborted due to timeout`, 'TimeoutError')),
  );
  return { signal: controller.signal, cancel: () => timer.cancel() };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new Error('aborted');
}

/** The longest delay `setTimeout` takes (about 24.8 days); longer timers are set in legs. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** A Node timer for `ms` (in legs past `setTimeout`'s limit), unref'd unless kept alive. */
function systemTimer(ms: number, fn: () => void, options?: TimerOptions): Timer {
  if (ms <= MAX_TIMEOUT_MS) {
    const timeout = setTimeout(fn, ms);
    if (options?.keepAlive !== true) timeout.unref();
    return { cancel: () => clearTimeout(timeout) };
  }
  let handle: NodeJS.Timeout | undefined;
  const arm = (left: number) => {
    const leg = Math.min(Math.max(0, left), MAX_TIMEOUT_MS);
    handle = setTimeout(() => (left > leg ? arm(left - leg) : fn()), leg);
    if (options?.keepAlive !== true) handle.unref();
  };
  arm(ms);
  return { cancel: () => clearTimeout(handle) };
}

export const systemClock: Clock = {
  now: () => new Date(),
  sleep(ms, signal) {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        reject(abortError(signal as AbortSignal));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  },
  setTimer: systemTimer,
  every(ms, fn) {
    if (ms > MAX_TIMEOUT_MS) {
      // setInterval would take such a delay as 1 ms: one leg after the other instead
      let timer: Timer;
      let stopped = false;
      const arm = () => {
        timer = systemTimer(ms, () => {
          if (stopped) return;
          arm();
          fn();
        });
      };
      arm();
      return {
        cancel: () => {
          stopped = true;
          timer.cancel();
        },
      };
    }
    const handle = setInterval(fn, Math.max(1, ms));
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};

interface Due {
  readonly at: number;
  /** Set order: timers due at the same instant fire in the order they were set. */
  readonly seq: number;
  readonly fire: () => void;
  /** A sleep (counted by `pending`), not a timer. */
  readonly sleep: boolean;
}

/** One round of the event loop: promise callbacks and ready I/O run. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * A clock that only moves when told to. Sleeps and timers wait in one queue, in time order;
 * `advance(ms)` fires every one that falls due within the span, at its own time (`now()` inside a
 * timer is the time it was due), including timers set by timers within the span. `tick(ms)` does the
 * same and lets the woken code run after each firing (so sleeps begun after a wake-up fire within the
 * span too); `drive(work)` moves time forward whenever the code under test waits only on the clock,
 * until `work` settles: a whole run — retries, breaker, timeouts, schedules — without sleeping.
 */
export class ManualClock implements Clock {
  private current: number;
  private queue: Due[] = [];
  private seq = 0;

  constructor(start: Date | number = Date.UTC(2026, 0, 1)) {
    this.current = typeof start === 'number' ? start : start.getTime();
  }

  now(): Date {
    return new Date(this.current);
  }

  /** Number of pending sleeps (useful to wait until code under test is blocked). */
  get pending(): number {
    return this.queue.filter((d) => d.sleep).length;
  }

  /** Number of pending timers (sleeps not counted). */
  get timers(): number {
    return this.queue.length - this.pending;
  }

  /** When the next sleep or timer is due (undefined when none waits). */
  nextAt(): Date | undefined {
    const next = this.earliest();
    return next === undefined ? undefined : new Date(next.at);
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(abortError(signal));
      const onAbort = () => {
        this.remove(due);
        reject(abortError(signal as AbortSignal));
      };
      const due = this.add(ms, true, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  setTimer(ms: number, fn: () => void): Timer {
    const due = this.add(ms, false, fn);
    return { cancel: () => this.remove(due) };
  }

  every(ms: number, fn: () => void): Timer {
    const period = Math.max(1, ms);
    let due: Due;
    const arm = (from: number) => {
      due = this.add(from + period - this.current, false, () => {
        arm(due.at); // before `fn`, so that `fn` may cancel the next one
        fn();
      });
    };
    arm(this.current);
    return { cancel: () => this.remove(due) };
  }

  /** Moves time forward by `ms`, firing every sleep and timer due within the span in time order. */
  advance(ms: number): void {
    const target = this.current + Math.max(0, ms);
    for (let next = this.earliest(); next !== undefined && next.at <= target; next = this.earliest()) {
      this.fireNext(next);
    }
    this.current = target;
  }

  /** Moves time to `time` (never back). */
  set(time: Date | number): void {
    const t = typeof time === 'number' ? time : time.getTime();
    this.advance(Math.max(0, t - this.current));
  }

  /**
   * Like `advance`, but after each firing lets the woken code run (promise callbacks, ready I/O)
   * before looking for the next due one: a retry that sleeps again after its wake-up wakes within
   * the span too.
   */
  async tick(ms: number): Promise<void> {
    const target = this.current + Math.max(0, ms);
    await this.settle();
    for (let next = this.earliest(); next !== undefined && next.at <= target; next = this.earliest()) {
      this.fireNext(next);
      await this.settle();
    }
    this.current = target;
    await this.settle();
  }

  /**
   * Runs until `work` settles, returning (or throwing) what it does: each time the code under test is
   * idle — it waits on nothing but this clock — time jumps to the next due sleep or timer. Throws when
   * time would pass `maxMs` (default a week) ahead of where it started, or when the code waits on
   * something else (real I/O) for longer than `idleMs` of wall time (default 5 s) with nothing due.
   */
  async drive<T>(work: Promise<T>, options: { maxMs?: number; idleMs?: number } = {}): Promise<T> {
    let done = false;
    const watched = work.finally(() => {
      done = true;
    });
    watched.catch(() => undefined);
    const limit = this.current + (options.maxMs ?? 7 * 86_400_000);
    let idleSince: number | undefined;
    for (;;) {
      await this.settle();
      if (done) return watched;
      const next = this.earliest();
      if (next === undefined) {
        idleSince ??= performance.now();
        if (performance.now() - idleSince > (options.idleMs ?? 5000)) {
          throw new Error('ManualClock.drive: the work waits on something other than the clock, and nothing is due');
        }
        await new Promise((resolve) => setTimeout(resolve, 1));
        continue;
      }
      idleSince = undefined;
      if (next.at > limit) {
        throw new Error(`ManualClock.drive: the work did not settle within ${options.maxMs ?? 7 * 86_400_000} ms`);
      }
      this.fireNext(next);
    }
  }

  /** Lets every promise callback and ready I/O callback run. */
  private async settle(): Promise<void> {
    for (let i = 0; i < 5; i++) await turn();
  }

  private fireNext(next: Due): void {
    this.remove(next);
    this.current = Math.max(this.current, next.at);
    next.fire();
  }

  private add(ms: number, sleep: boolean, fire: () => void): Due {
    const due: Due = { at: this.current + Math.max(0, ms), seq: this.seq++, fire, sleep };
    this.queue.push(due);
    return due;
  }

  private remove(due: Due): void {
    const i = this.queue.indexOf(due);
    if (i >= 0) this.queue.splice(i, 1);
  }

  private earliest(): Due | undefined {
    let best: Due | undefined;
    for (const d of this.queue)
      if (best === undefined || d.at < best.at || (d.at === best.at && d.seq < best.seq)) best = d;
    return best;
  }
}
