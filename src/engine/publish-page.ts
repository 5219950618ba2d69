import type { NewErrorRecord, RunCounts } from '../store/state-store.js';
import type { RunEventPublisher } from './run-events.js';

export interface CommittedPageEvents {
  readonly flow: string;
  readonly runId: number;
  readonly seq: number;
  readonly at: Date;
  readonly checkpointed: boolean;
  readonly durationMs: number;
  /** The page's own counts. */
  readonly page: RunCounts;
  /** The run's totals after it. */
  readonly counts: RunCounts;
  /** Its error records as committed (masked), and the ids the store gave them, in the same order. */
  readonly errors: readonly NewErrorRecord[];
  readonly errorIds: readonly number[];
}

/** Publishes a committed page: one `record.failed` per error record it committed, then `page.committed`. */
export function publishPage(events: RunEventPublisher, c: CommittedPageEvents): void {
  const { flow, runId, at } = c;
  c.errors.forEach((e, i) => {
    events.publish({
      type: 'record.failed',
      flow,
      at,
      runId,
      errorId: c.errorIds[i] ?? 0,
      recordId: e.recordId,
      stage: e.stage,
      code: e.code,
      kind: e.kind,
      message: e.message,
    });
  });
  events.publish({
    type: 'page.committed',
    flow,
    at,
    runId,
    seq: c.seq,
    records: c.page.read,
    failed: c.errors.length,
    durationMs: c.durationMs,
    checkpointed: c.checkpointed,
    page: c.page,
    counts: c.counts,
    errorIds: c.errorIds,
  });
}
