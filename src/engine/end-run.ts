import type { FlowDefinition } from '../config/definition.js';
import { type FlowError, inboxPosition, toFlowError } from '../sdk/index.js';
import type { Lease, RunCounts, RunRow, RunStatus, StateStore } from '../store/state-store.js';
import { type DeltaRun, WATERMARK_SOURCE } from './delta-sync.js';
import type { MessageMask } from './message-mask.js';
import { cloneCounts } from './run-counts.js';
import type { RunDeps } from './run-flow.js';

export interface RunEnd {
  readonly run: RunRow;
  readonly lease: Lease;
  /** What ended: a flow or a sync (its name, and what its end clears). */
  readonly job: RunJob;
  readonly status: RunStatus;
  readonly error: FlowError | undefined;
  readonly counts: RunCounts;
  readonly pages: number;
  /** Delta sync: the run's plan, whose completed watermark a completed run stores. */
  readonly delta?: DeltaRun | undefined;
  /** When the run started (a delta's new watermark is taken from it). */
  readonly started: Date;
  /** Masks secrets and PII in the stored error message. */
  readonly mask: MessageMask;
}

/** The flow or sync a run ran, as far as its end is concerned. */
export interface RunJob {
  readonly name: string;
  /** A continuous source (an inbox): a completed run keeps its checkpoint, the next goes on from there. */
  readonly continuous: boolean;
  /** A pipeline stage: a completed run purges the handed-on records it read. */
  readonly upstream: boolean;
}

/** A flow as its run's end sees it. */
export function endJob(registry: RunDeps['registry'], flow: FlowDefinition): RunJob {
  return {
    name: flow.name,
    continuous: registry.source(flow.source.type).continuous === true,
    upstream: flow.source.upstream !== undefined,
  };
}

/**
 * Saves a run's end in one fenced transaction — its status, counts and error, and when it completed
 * the watermark and (unless its source is continuous, an inbox) the cleared checkpoint — or, when the
 * lease was taken over, nothing at all; publishes `run.ended` and returns the run as it ended.
 */
export async function endRun(deps: Pick<RunDeps, 'store' | 'clock' | 'log' | 'events'>, e: RunEnd): Promise<RunRow> {
  const { store, clock } = deps;
  const { run, job, status, counts, pages } = e;
  const completed = status === 'succeeded' || status === 'completed_with_errors';
  // a finished run starts the next one over, except on a continuous source (an inbox): it goes on from there
  const continuous = job.continuous;
  const endedAt = clock.now();
  const error = e.error
    ? {
        code: e.error.code,
        message: e.mask.text(e.error.where ? `${e.error.where}: ${e.error.message}` : e.error.message),
        ...(e.error.hint ? { hint: e.mask.text(e.error.hint) } : {}),
        ...(e.error.next ? { next: e.error.next } : {}),
      }
    : null;
  const ended = (row: RunRow): RunRow => {
    deps.events.publish({
      type: 'run.ended',
      flow: job.name,
      at: clock.now(),
      runId: row.id,
      status: row.status,
      run: row,
    });
    return row;
  };
  let lost = e.error?.code === 'RUN_LEASE_LOST' ? e.error : undefined;
  if (!lost) {
    try {
      await store.finishRun({
        runId: run.id,
        lease: e.lease,
        patch: { status, endedAt, heartbeatAt: endedAt, pages, counts: cloneCounts(counts), error },
        ...(completed && e.delta
          ? { watermark: { source: WATERMARK_SOURCE, value: e.delta.completed(e.started) } }
          : {}),
        ...(completed && !continuous ? { clearCheckpoint: true } : {}),
        at: endedAt,
      });
    } catch (failure) {
      const f = toFlowError(failure);
      if (f.code !== 'RUN_LEASE_LOST') throw f;
      lost = f;
    }
  }
  if (lost) {
    // another run holds the flow now: this one writes nothing more, and says so
    deps.log.error({ runId: run.id, code: lost.code }, lost.message);
    const lostRun: RunRow = { ...run, status: 'failed', endedAt, pages, counts: cloneCounts(counts) };
    lostRun.error = {
      code: lost.code,
      message: lost.message,
      ...(lost.hint ? { hint: lost.hint } : {}),
      ...(lost.next ? { next: lost.next } : {}),
    };
    return ended(lostRun);
  }
  if (completed && job.upstream) await purgeHandled(store, job.name, clock.now());
  // subscribers hear of it (a failed or paused run is notified): they never hold the run up
  return ended((await store.getRun(run.id)) ?? { ...run, status, endedAt, pages, counts });
}

/** A pipeline stage's handed-on records, once read and committed, leave the store. */
async function purgeHandled(store: StateStore, flow: string, now: Date): Promise<void> {
  const position = inboxPosition((await store.getCheckpoint(flow))?.checkpoint);
  if (position > 0) await store.purgeInbox(flow, position, new Date(now.getTime() + 1));
}
