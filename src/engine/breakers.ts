import { createHash } from 'node:crypto';
import type { ConnectionDefinition } from '../config/definition.js';
import { type Clock, type Logger, parseDuration } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import { type BreakerOptions, CircuitBreaker, defaultBreaker } from './circuit-breaker.js';
import { connectionIdentity } from './connection-pool.js';

/** A connection's breaker and how long a run may wait for it before pausing. */
export interface ConnectionBreaker {
  readonly breaker: CircuitBreaker;
  readonly maxWaitMs: number;
}

/** The breakers of the process: one per connection, shared by every flow, saved in the store on each change. */
export interface Breakers {
  /** The connection's breaker (undefined when `breaker: { enabled: false }`). */
  forConnection(def: ConnectionDefinition, baseDir: string): Promise<ConnectionBreaker | undefined>;
}

export const DEFAULT_BREAKER_WAIT_MS = 60_000;

function optionsOf(def: ConnectionDefinition): BreakerOptions {
  const b = def.breaker ?? {};
  const ms = (v: string | number | undefined, fallback: number) =>
    v === undefined ? fallback : (parseDuration(v) ?? fallback);
  return {
    failures: b.failures ?? defaultBreaker.failures,
    ratio: b.ratio ?? defaultBreaker.ratio,
    windowMs: ms(b.window, defaultBreaker.windowMs),
    minCalls: b.minCalls ?? defaultBreaker.minCalls,
    openForMs: ms(b.openFor, defaultBreaker.openForMs),
    halfOpenRequests: b.halfOpenRequests ?? defaultBreaker.halfOpenRequests,
  };
}

/** The store key of a connection's breaker: its name and a digest of what it connects to. */
export function breakerKey(def: ConnectionDefinition, baseDir: string): string {
  const digest = createHash('sha256').update(connectionIdentity(def, baseDir)).digest('hex');
  return `${def.name}#${digest.slice(0, 12)}`;
}

export function createBreakers(store: StateStore, clock: Clock, log: Logger): Breakers {
  const made = new Map<string, Promise<ConnectionBreaker>>();
  return {
    async forConnection(def, baseDir) {
      if (def.breaker?.enabled === false) return undefined;
      const key = breakerKey(def, baseDir);
      let entry = made.get(key);
      if (!entry) {
        entry = (async () => {
          const stored = await store.getBreaker(key).catch(() => undefined);
          const save = (s: { state: 'closed' | 'open' | 'half-open'; failures: number; openedAt: Date | null }) => {
            log.warn({ connection: def.name, state: s.state }, `circuit of connection ${def.name} is ${s.state}`);
            store
              .saveBreaker({ key, name: def.name, ...s, updatedAt: clock.now() })
              .catch((error: unknown) =>
                log.error({ connection: def.name, error: String(error) }, 'breaker state not saved'),
              );
          };
          const breaker = new CircuitBreaker(def.name, optionsOf(def), clock, save, stored);
          const wait = def.breaker?.maxWait;
          const maxWaitMs =
            wait === undefined ? DEFAULT_BREAKER_WAIT_MS : (parseDuration(wait) ?? DEFAULT_BREAKER_WAIT_MS);
          return { breaker, maxWaitMs };
        })();
        made.set(key, entry);
      }
      return entry;
    },
  };
}
