import { type Clock, FlowError } from '../sdk/index.js';

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  /** Opens after this many failures in a row. */
  failures: number;
  /** …or when at least `minCalls` calls within `windowMs` failed in this ratio or more (0 = off). */
  ratio: number;
  windowMs: number;
  minCalls: number;
  /** Stays open this long, then admits probes. */
  openForMs: number;
  /** Probes admitted at once when half-open; all must succeed to close. */
  halfOpenRequests: number;
}

export const defaultBreaker: BreakerOptions = {
  failures: 5,
  ratio: 0,
  windowMs: 60_000,
  minCalls: 20,
  openForMs: 30_000,
  halfOpenRequests: 1,
};

/** What the store keeps of a breaker, so that a restarted process (and `syncline status`) knows it. */
export interface BreakerSnapshot {
  state: BreakerState;
  /** Consecutive failures while closed. */
  failures: number;
  openedAt: Date | null;
}

/**
 * A circuit breaker per connection (Celigo's pattern): closed → open after N consecutive failures or
 * a failure ratio over a window → half-open after `openFor`, admitting `halfOpenRequests` probes →
 * closed when they all succeed, open again when one fails. Only transient failures count (an outage),
 * never a rejected record. cockatiel's breaker admits a single probe and keeps its state in memory,
 * hence this small state machine; the retry policy around it stays cockatiel's.
 */
export class CircuitBreaker {
  private state: BreakerState = 'closed';
  private consecutive = 0;
  private openedAt: number | null = null;
  private probes = 0;
  private probeSuccesses = 0;
  private recent: { at: number; ok: boolean }[] = [];

  constructor(
    readonly name: string,
    private readonly options: BreakerOptions,
    private readonly clock: Clock,
    /** Told about every change of state (to persist it). */
    private readonly onChange: (snapshot: BreakerSnapshot) => void = () => undefined,
    initial?: BreakerSnapshot,
  ) {
    if (initial && initial.state !== 'closed' && initial.openedAt) {
      this.state = 'open';
      this.openedAt = initial.openedAt.getTime();
    }
  }

  /** The current state, moving from open to half-open when `openFor` has passed. */
  current(): BreakerState {
    if (this.state === 'open' && this.openedAt !== null && this.now() - this.openedAt >= this.options.openForMs) {
      this.state = 'half-open';
      this.probes = 0;
      this.probeSuccesses = 0;
      this.changed();
    }
    return this.state;
  }

  /** When the breaker will admit calls again (now when closed or half-open). */
  retryAt(): Date {
    const state = this.current();
    if (state !== 'open' || this.openedAt === null) return this.clock.now();
    return new Date(this.openedAt + this.options.openForMs);
  }

  snapshot(): BreakerSnapshot {
    return {
      state: this.current(),
      failures: this.consecutive,
      openedAt: this.openedAt === null ? null : new Date(this.openedAt),
    };
  }

  /** Runs `call` through the breaker: refused with CIRCUIT_OPEN while open (or all probes are out). */
  async execute<T>(call: () => Promise<T>, isFailure: (error: unknown) => boolean): Promise<T> {
    const state = this.current();
    if (state === 'open' || (state === 'half-open' && this.probes >= this.options.halfOpenRequests)) {
      throw this.refusal();
    }
    const probing = state === 'half-open';
    if (probing) this.probes += 1;
    try {
      const result = await call();
      this.record(true, probing);
      return result;
    } catch (error) {
      const until = error instanceof FlowError ? error.blockedUntil?.getTime() : undefined;
      // a quota exhausted until T: open until T at once instead of counting failures (and retries) up to it
      if (until !== undefined && until > this.now()) this.open(until - this.options.openForMs);
      else if (isFailure(error)) this.record(false, probing);
      else if (probing) this.probes -= 1; // not an outage: the probe slot is free again
      throw error;
    }
  }

  private refusal(): FlowError {
    const until = this.retryAt();
    return new FlowError(
      'CIRCUIT_OPEN',
      `the circuit of connection ${this.name} is open until ${until.toISOString()}`,
      {
        retryAfterMs: Math.max(0, until.getTime() - this.now()),
      },
    );
  }

  private record(ok: boolean, probing: boolean): void {
    const now = this.now();
    if (this.options.ratio > 0) {
      this.recent.push({ at: now, ok });
      while ((this.recent[0]?.at ?? now) < now - this.options.windowMs) this.recent.shift();
    }
    if (probing) {
      if (!ok) {
        this.open(now);
        return;
      }
      this.probeSuccesses += 1;
      if (this.probeSuccesses >= this.options.halfOpenRequests) this.close();
      return;
    }
    if (this.state !== 'closed') return;
    this.consecutive = ok ? 0 : this.consecutive + 1;
    if (!ok && this.consecutive >= this.options.failures) {
      this.open(now);
      return;
    }
    if (!ok && this.options.ratio > 0 && this.recent.length >= this.options.minCalls) {
      const failed = this.recent.filter((r) => !r.ok).length;
      if (failed / this.recent.length >= this.options.ratio) this.open(now);
    }
  }

  /** Opens; `openedAt` + openFor is when it half-opens (a quota's reset sets it back so that is the reset). */
  private open(openedAt: number): void {
    this.state = 'open';
    this.openedAt = openedAt;
    this.probes = 0;
    this.probeSuccesses = 0;
    this.recent = [];
    this.changed();
  }

  private close(): void {
    this.state = 'closed';
    this.openedAt = null;
    this.consecutive = 0;
    this.recent = [];
    this.changed();
  }

  private changed(): void {
    this.onChange(this.snapshot());
  }

  private now(): number {
    return this.clock.now().getTime();
  }
}
