import { type Clock, FlowError } from '../../../sdk/index.js';
import { type QuotaSignal, remainingOf, usageText } from './quota-signal.js';

export interface RateLimitOptions {
  /** Requests per second, in bursts of up to `burst` (default perSecond, at least 1). */
  readonly perSecond?: number | undefined;
  readonly burst?: number | undefined;
  /** Requests in flight at once. */
  readonly concurrency?: number | undefined;
  /**
   * Share of an announced quota kept in reserve (default 0.1): below it, requests are spread evenly
   * over the time left until the reset instead of spending the rest at once.
   */
  readonly reserve?: number | undefined;
  /**
   * Longest wait for a quota (default 60 s). A longer one fails at once with a FlowError whose
   * `blockedUntil` opens the connection's circuit breaker until the reset.
   */
  readonly maxWaitMs?: number | undefined;
}

/** Where a request waits: the run's clock and signal. */
export interface LimiterContext {
  readonly clock: Clock;
  readonly signal: AbortSignal;
}

/**
 * The per-connection rate limit, driven by the injected clock (a ManualClock in tests): a token
 * bucket (`perSecond`, `burst`), a concurrency cap, and the quota the API announces in its answers
 * (`observe`): remaining-quota headers, usage fractions, cost buckets, Retry-After.
 */
export interface RateLimiter {
  /** Runs `call` when the limits allow it; `cost` is what it spends of a cost-based quota (default 1). */
  schedule<T>(call: () => Promise<T>, ctx: LimiterContext, cost?: number): Promise<T>;
  /** What an answer said about the quota; the newest signal replaces the one of the same name. */
  observe(signal: QuotaSignal, now: Date): void;
  /** The last signals seen, for run stats (`usageText`). */
  usage(): readonly QuotaSignal[];
  /** Fails the requests still waiting for a slot (the connection closes). */
  clear(): void;
  /** The longest wait for a quota before `quotaExhausted`. */
  readonly maxWaitMs: number;
}

interface Quota {
  readonly signal: QuotaSignal;
  /** Estimated left now (debited as requests go, refilled by restorePerSecond). */
  left: number;
  /** Epoch ms of `left`. */
  at: number;
}

/** The FlowError of a quota exhausted for longer than the limiter waits: the breaker opens until `until`. */
export function quotaExhausted(signal: QuotaSignal, until: Date, now: Date, where?: string): FlowError {
  return new FlowError(
    'TRANSIENT_IO',
    `the API's quota is exhausted (${usageText(signal)}): no request before ${until.toISOString()}`,
    {
      kind: 'transient',
      retryAfterMs: Math.max(0, until.getTime() - now.getTime()),
      blockedUntil: until,
      hint: 'The connection pauses until the quota resets; lower the request rate or ask the vendor for a larger quota.',
      ...(where === undefined ? {} : { where }),
    },
  );
}

export function createRateLimiter(options: RateLimitOptions = {}, where?: string): RateLimiter {
  const concurrency = options.concurrency ?? Number.POSITIVE_INFINITY;
  const perSecond = options.perSecond;
  const burst = perSecond === undefined ? 0 : (options.burst ?? Math.max(1, Math.floor(perSecond)));
  const reserve = options.reserve ?? 0.1;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const quotas = new Map<string, Quota>();
  const waiting: { resolve: () => void; reject: (e: unknown) => void }[] = [];
  let active = 0;
  let tokens = burst;
  let refilledAt: number | undefined;
  let lastStart: number | undefined;
  let gate: Promise<void> = Promise.resolve();

  const refill = (now: number) => {
    if (perSecond === undefined) return;
    if (refilledAt !== undefined) tokens = Math.min(burst, tokens + ((now - refilledAt) * perSecond) / 1000);
    refilledAt = now;
  };

  /** The quota's estimate at `now`; undefined once its window has reset. */
  const current = (q: Quota, now: number): number | undefined => {
    const { resetAt, restorePerSecond, limit } = q.signal;
    if (resetAt !== undefined && resetAt.getTime() <= now) return undefined;
    if (restorePerSecond === undefined) return q.left;
    const grown = q.left + ((now - q.at) * restorePerSecond) / 1000;
    return limit === undefined ? grown : Math.min(limit, grown);
  };

  /**
   * The wait a quota imposes before a request of `cost`: `hard` when the quota is spent (the request
   * cannot go before the wait), else a slow-down in the reserve, never longer than maxWait.
   */
  const quotaWait = (q: Quota, now: number, cost: number): { wait: number; hard: boolean } => {
    const left = current(q, now);
    if (left === undefined) return { wait: 0, hard: false };
    const { resetAt, restorePerSecond, limit } = q.signal;
    if (left < cost) {
      if (restorePerSecond !== undefined)
        return { wait: Math.ceil(((cost - left) * 1000) / restorePerSecond), hard: true };
      if (resetAt !== undefined) return { wait: resetAt.getTime() - now, hard: true };
      return { wait: 0, hard: false }; // no way to know: the API will say (429)
    }
    if (limit === undefined || left - cost >= limit * reserve || lastStart === undefined)
      return { wait: 0, hard: false };
    // in the reserve: a refilling bucket is spent at its restore rate, a window spread evenly to its reset
    const gap =
      restorePerSecond !== undefined
        ? (cost * 1000) / restorePerSecond
        : resetAt !== undefined
          ? (resetAt.getTime() - now) / Math.max(1, left / cost + 1)
          : 0;
    return { wait: Math.min(maxWaitMs, Math.max(0, lastStart + gap - now)), hard: false };
  };

  /** Waits (once) for what the bucket and the quotas ask, then spends a token and `cost` of each quota. */
  const pace = async (ctx: LimiterContext, cost: number) => {
    const before = ctx.clock.now().getTime();
    refill(before);
    let wait = perSecond !== undefined && tokens < 1 ? Math.ceil(((1 - tokens) * 1000) / perSecond) : 0;
    for (const q of quotas.values()) {
      const w = quotaWait(q, before, cost);
      if (w.hard && w.wait > maxWaitMs)
        throw quotaExhausted(q.signal, new Date(before + w.wait), new Date(before), where);
      wait = Math.max(wait, w.wait);
    }
    if (wait > 0) await ctx.clock.sleep(Math.ceil(wait), ctx.signal);
    const now = ctx.clock.now().getTime();
    refill(now);
    if (perSecond !== undefined) tokens -= 1;
    for (const q of quotas.values()) {
      const left = current(q, now);
      if (left === undefined) quotas.delete(q.signal.name);
      else {
        q.left = left - cost;
        q.at = now;
      }
    }
    lastStart = now;
  };

  const release = () => {
    active--;
    const next = waiting.shift();
    if (next) {
      active++;
      next.resolve();
    }
  };

  const slot = (ctx: LimiterContext): Promise<void> => {
    if (active < concurrency) {
      active++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = { resolve, reject };
      waiting.push(entry);
      ctx.signal.addEventListener(
        'abort',
        () => {
          const i = waiting.indexOf(entry);
          if (i >= 0) waiting.splice(i, 1);
          reject(ctx.signal.reason);
        },
        { once: true },
      );
    });
  };

  return {
    async schedule(call, ctx, cost = 1) {
      await slot(ctx);
      try {
        const turn = gate.then(() => pace(ctx, cost));
        gate = turn.catch(() => undefined);
        await turn;
        return await call();
      } finally {
        release();
      }
    },
    observe(signal, now) {
      const left = remainingOf(signal);
      if (left === undefined) return;
      quotas.set(signal.name, { signal, left, at: now.getTime() });
    },
    usage: () => [...quotas.values()].map((q) => q.signal),
    maxWaitMs,
    clear() {
      for (const w of waiting.splice(0)) w.reject(new FlowError('CANCELED', 'the connection was closed'));
    },
  };
}
