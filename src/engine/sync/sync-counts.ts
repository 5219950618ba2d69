import type { RunCounts, SyncCounts, SyncSideCounts } from '../../store/state-store.js';
import { emptyCounts } from '../run-counts.js';

function emptySide(): SyncSideCounts {
  return { read: 0, created: 0, updated: 0, deleted: 0, echoes: 0, failed: 0 };
}

/** A sync run's counts: zero everywhere, with `sync` filled in as the run goes. */
export function emptySyncRunCounts(): RunCounts & { sync: SyncCounts } {
  return {
    ...emptyCounts([], []),
    sync: {
      a: emptySide(),
      b: emptySide(),
      unchanged: 0,
      matched: 0,
      conflictsDecided: 0,
      conflictsOpened: 0,
      ambiguous: 0,
      pendingDeletes: 0,
    },
  };
}

/**
 * Sets the run's flat counters from the sync's, so that every view of runs reads a sync run like a
 * flow run: read = changes read on both sides, written = records created, updated or deleted on both,
 * failed = writes refused on both, skipped = changes that needed no write (echoes).
 */
export function totalSyncCounts(counts: RunCounts & { sync: SyncCounts }): void {
  const { a, b } = counts.sync;
  counts.read = a.read + b.read;
  counts.written = a.created + a.updated + a.deleted + b.created + b.updated + b.deleted;
  counts.failed = a.failed + b.failed;
  counts.skipped = a.echoes + b.echoes;
}

/** A copy of a sync run's counts (for events and the run row). */
export function cloneSyncCounts(counts: RunCounts & { sync: SyncCounts }): RunCounts {
  return {
    ...counts,
    steps: {},
    destinations: {},
    sync: { ...counts.sync, a: { ...counts.sync.a }, b: { ...counts.sync.b } },
  };
}
