import type { Clock, Context, Inbox, Logger, Metrics, StepState, TokenStore } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';

export interface ContextOptions {
  runId: string;
  flow: string;
  signal: AbortSignal;
  clock: Clock;
  log: Logger;
  metrics: Metrics;
  baseDir: string;
  tokens?: TokenStore;
  inbox?: Inbox;
  state?: StepState;
}

/** The inbox of pushed events of one flow, read from the store. */
export function flowInbox(store: StateStore, flow: string): Inbox {
  return { read: (after, limit) => store.readInbox(flow, after, limit) };
}

/** Steps' keyed state, kept in the store. */
export function storeState(store: StateStore, clock: Clock): StepState {
  return {
    get: (namespace, keys) => store.getState(namespace, keys),
    put: (namespace, entries) => store.putState(namespace, entries, clock.now()),
    scan: (namespace, after, limit) => store.scanState(namespace, after, limit),
    clear: (namespace, before) => store.clearState(namespace, before),
  };
}

/** Builds the explicit context handed to every component of one run. */
export function makeContext(o: ContextOptions): Context {
  return {
    runId: o.runId,
    flow: o.flow,
    signal: o.signal,
    clock: o.clock,
    log: o.log.child({ runId: o.runId, flow: o.flow }),
    metrics: o.metrics,
    baseDir: o.baseDir,
    ...(o.tokens ? { tokens: o.tokens } : {}),
    ...(o.inbox ? { inbox: o.inbox } : {}),
    ...(o.state ? { state: o.state } : {}),
  };
}
