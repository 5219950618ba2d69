import type { FastifyReply, FastifyRequest } from 'fastify';
import type { EmulatorClock } from './emulator-clock.js';

/**
 * Faults a test (or a user of `syncline emulate`) injects into an emulator: latency, bursts of 5xx,
 * bursts of 429 answered with the vendor's own signal, token expiry mid-run and connection resets.
 * A rule matches requests by method and path, lets `skip` matching requests pass, then acts on the
 * next `times` ones (default 1; Infinity for every one). Rules act in the order they were added: latency
 * and token expiry let the request go on to the next rule, an answer (status, 429, reset) ends it, and
 * the rules after it do not see that request.
 */
export type Fault =
  | { readonly kind: 'latency'; readonly ms: number }
  | { readonly kind: 'status'; readonly status: number; readonly body?: unknown }
  | { readonly kind: 'rate-limit'; readonly retryAfterSeconds?: number }
  | { readonly kind: 'expire-tokens' }
  | { readonly kind: 'reset' };

export interface FaultRule {
  readonly fault: Fault;
  readonly method?: string;
  /** A path prefix (`/v1/contacts`) or a pattern; the query is not part of the path. */
  readonly path?: string | RegExp;
  readonly skip?: number;
  readonly times?: number;
}

/** How the emulator answers in its vendor's words. */
export interface FaultSignals {
  /** A 429 (or the vendor's equivalent) telling the client to wait `retryAfterSeconds`. */
  readonly rateLimited: (reply: FastifyReply, retryAfterSeconds: number) => FastifyReply;
  /** A server error (default: the status with `{ error }`). */
  readonly serverError?: (reply: FastifyReply, status: number, body: unknown) => FastifyReply;
  /** Makes every issued token expire (the next call then meets the vendor's expired-session answer). */
  readonly expireTokens?: () => void;
}

export interface FaultInjector {
  add(rule: FaultRule): void;
  clear(): void;
  /** Rules with faults still to inject. */
  readonly pending: number;
  /** How many faults were injected, by kind. */
  readonly injected: Readonly<Record<Fault['kind'], number>>;
  /** The onRequest hook that applies the rules (returns the reply when it answered). */
  hook(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined>;
}

interface LiveRule {
  readonly rule: FaultRule;
  skip: number;
  left: number;
}

export function createFaultInjector(clock: EmulatorClock, signals: FaultSignals): FaultInjector {
  let rules: LiveRule[] = [];
  const injected: Record<Fault['kind'], number> = {
    latency: 0,
    status: 0,
    'rate-limit': 0,
    'expire-tokens': 0,
    reset: 0,
  };
  const applies = (rule: FaultRule, req: FastifyRequest) => {
    if (rule.method !== undefined && rule.method.toUpperCase() !== req.method) return false;
    const path = req.url.split('?')[0] ?? '';
    if (rule.path === undefined) return true;
    return typeof rule.path === 'string' ? path.startsWith(rule.path) : rule.path.test(path);
  };

  return {
    add: (rule) => void rules.push({ rule, skip: rule.skip ?? 0, left: rule.times ?? 1 }),
    clear: () => {
      rules = [];
    },
    get pending() {
      return rules.filter((r) => r.left > 0).length;
    },
    injected,
    async hook(req, reply) {
      for (const live of rules) {
        if (live.left <= 0 || !applies(live.rule, req)) continue;
        if (live.skip > 0) {
          live.skip -= 1;
          continue;
        }
        live.left -= 1;
        const fault = live.rule.fault;
        injected[fault.kind] += 1;
        switch (fault.kind) {
          case 'latency':
            await clock.sleep(fault.ms);
            break;
          case 'expire-tokens':
            signals.expireTokens?.();
            break;
          case 'status': {
            const body = fault.body ?? { error: `injected ${fault.status}` };
            return signals.serverError
              ? signals.serverError(reply, fault.status, body)
              : reply.code(fault.status).send(body);
          }
          case 'rate-limit':
            return signals.rateLimited(reply, fault.retryAfterSeconds ?? 1);
          case 'reset':
            reply.hijack();
            req.raw.socket.destroy();
            return reply;
        }
      }
      return undefined;
    },
  };
}
