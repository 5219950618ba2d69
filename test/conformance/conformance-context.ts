import { type Context, noMetrics, silentLogger, systemClock } from '../../src/sdk/index.js';

/** The context the suites run components with: silent, the system clock, a signal that can be given. */
export function conformanceContext(signal: AbortSignal = new AbortController().signal): Context {
  return {
    runId: 'conformance',
    flow: 'conformance',
    signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: '.',
  };
}
