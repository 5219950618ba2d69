import type { RunCounts } from '../store/state-store.js';
import type { PageOutcome } from './page-outcome.js';
import { addStage } from './run-counts.js';

/**
 * Adds one page's outcome to its run's counts: the one place a run's totals grow (in page order, as
 * each page commits). Returns the same counts object, changed.
 */
export function foldOutcome(run: RunCounts, outcome: Pick<PageOutcome, 'tally' | 'unchanged'>): RunCounts {
  const page = outcome.tally;
  run.read += page.read;
  run.written += page.written;
  run.skipped += page.skipped;
  run.failed += page.failed;
  if (page.alreadyWritten) run.alreadyWritten = (run.alreadyWritten ?? 0) + page.alreadyWritten;
  if (page.handedOn !== undefined) run.handedOn = (run.handedOn ?? 0) + page.handedOn;
  for (const [name, c] of Object.entries(page.steps)) addStage(run.steps, name, c);
  for (const [name, c] of Object.entries(page.destinations)) addStage(run.destinations, name, c);
  if (run.delta) run.delta.unchanged = (run.delta.unchanged ?? 0) + outcome.unchanged;
  return run;
}
