import { describe, expect, it } from 'vitest';
import type { RunCounts } from '../store/state-store.js';
import { foldOutcome } from './fold-outcome.js';
import { emptyCounts } from './run-counts.js';

function tally(part: Partial<RunCounts>): RunCounts {
  return { ...emptyCounts(['map'], ['out']), ...part };
}

describe('folding page outcomes into a run', () => {
  it('adds every counter of each page, per step and destination, in page order', () => {
    const run = emptyCounts(['map'], ['out']);
    run.delta = { full: false, since: '2026-01-01', reason: 'delta' };
    foldOutcome(run, {
      unchanged: 2,
      tally: tally({
        read: 10,
        written: 6,
        skipped: 3,
        failed: 1,
        handedOn: 6,
        steps: { map: { in: 8, out: 7, failed: 1, skipped: 0, ms: 1.25, stats: { hits: 3 } } },
        destinations: { out: { in: 7, out: 6, failed: 0, skipped: 1, ids: 6 } },
      }),
    });
    foldOutcome(run, {
      unchanged: 0,
      tally: tally({
        read: 4,
        written: 2,
        skipped: 0,
        failed: 2,
        alreadyWritten: 2,
        handedOn: 2,
        steps: { map: { in: 4, out: 4, failed: 0, skipped: 0, ms: 0.5, stats: { hits: 1, misses: 2 } } },
        destinations: { out: { in: 4, out: 2, failed: 0, skipped: 0, alreadyWritten: 2 } },
      }),
    });
    expect(run).toEqual({
      read: 14,
      written: 8,
      skipped: 3,
      failed: 3,
      alreadyWritten: 2,
      handedOn: 8,
      delta: { full: false, since: '2026-01-01', reason: 'delta', unchanged: 2 },
      steps: { map: { in: 12, out: 11, failed: 1, skipped: 0, ms: 1.8, stats: { hits: 4, misses: 2 } } },
      destinations: { out: { in: 11, out: 8, failed: 0, skipped: 1, ids: 6, alreadyWritten: 2 } },
    });
  });

  it('leaves out what no page had: no hand-offs, no delta', () => {
    const run = foldOutcome(emptyCounts([], ['out']), { unchanged: 0, tally: tally({ read: 1, written: 1 }) });
    expect(run).toEqual({
      read: 1,
      written: 1,
      skipped: 0,
      failed: 0,
      steps: { map: { in: 0, out: 0, failed: 0, skipped: 0 } },
      destinations: { out: { in: 0, out: 0, failed: 0, skipped: 0 } },
    });
  });
});
