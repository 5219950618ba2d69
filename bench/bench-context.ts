import { type Context, noMetrics, silentLogger, systemClock } from '../src/sdk/index.js';

/** The context a benchmark hands a step it drives directly: real clock, no logging, no metrics. */
export function benchContext(baseDir: string = process.cwd()): Context {
  return {
    runId: 'bench',
    flow: 'bench',
    signal: new AbortController().signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir,
  };
}
