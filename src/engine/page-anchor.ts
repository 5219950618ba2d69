import type { CheckpointRow, StateStore } from '../store/state-store.js';

/**
 * Where a run counts its pages from, so that a page read again after a crash gets the key it had
 * before (page markers of SQL destinations, exactly-once inserts). A page's key is `anchor#n`: the
 * last position a checkpoint was committed at, and the page's index since.
 *
 * - Resuming from a stored checkpoint: the page of the run that committed it (`run R page S`),
 *   the same anchor the interrupted run moved to when that page committed.
 * - No checkpoint: the run reads from the start, as did every run since the last one that completed
 *   (a crashed, failed or paused run without a committed checkpoint): the first of them
 *   (`run R`). `fromStart` (read everything again on purpose) starts a fresh anchor.
 */
export async function pageAnchor(
  store: StateStore,
  flow: string,
  runId: number,
  stored: CheckpointRow | undefined,
  fromStart: boolean,
): Promise<string> {
  if (stored) {
    const pages = await store.listPages(stored.runId);
    let seq: number | undefined;
    for (const p of pages) if (p.checkpoint !== null) seq = p.seq;
    return seq === undefined ? `run ${stored.runId}` : `run ${stored.runId} page ${seq}`;
  }
  if (fromStart) return `run ${runId}`;
  let origin = runId;
  for (const run of await store.listRuns({ flow, limit: 100 })) {
    if (run.id === runId || run.status === 'skipped') continue;
    if (run.status === 'succeeded' || run.status === 'completed_with_errors') break;
    origin = run.id;
  }
  return `run ${origin}`;
}
