import { type Context, FlowError, noMetrics, silentLogger, systemClock } from '../sdk/index.js';

/** A context for step tests. */
export const testContext: Context = {
  runId: 'test',
  flow: 'test',
  signal: new AbortController().signal,
  clock: systemClock,
  log: silentLogger,
  metrics: noMetrics,
  baseDir: '.',
};

/** The FlowError `fn` throws (fails the test when it throws none or another kind of error). */
export function flowErrorOf(fn: () => unknown): FlowError {
  try {
    fn();
  } catch (error) {
    if (error instanceof FlowError) return error;
    throw new Error(`expected a FlowError, got ${String(error)}`);
  }
  throw new Error('expected a FlowError, nothing was thrown');
}
