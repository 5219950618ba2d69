import type { Clock, Context, Inbox, Logger, Metrics, TokenStore } from '../sdk/index.js';

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
  };
}
