import type { Stage } from '../sdk/index.js';
import type { RunCounts, RunRow, RunStatus } from '../store/state-store.js';

/**
 * What happens to runs and error records, as data: the engine publishes these on `engine.events`
 * and the application fans them out to its subscribers (notifications now; metrics, alerts, the
 * audit log and live views next). Every event names its flow and carries the clock's time (`at`);
 * those of a run carry its id. Messages are masked as stored (secrets, the records' PII); no event
 * carries a record's payload. docs/events.md lists them with their fields.
 */
export type RunEvent =
  | RunRequested
  | RunStarted
  | RunProgress
  | PageCommitted
  | RecordFailed
  | RunEnded
  | ErrorRetried
  | ErrorResolved;

/** The event types, for switches and filters. */
export type RunEventType = RunEvent['type'];

interface EventBase {
  readonly flow: string;
  /** When it happened, by the engine's clock. */
  readonly at: Date;
}

/** A run was asked for (by a trigger, the CLI, the API); it starts when a worker takes it. */
export interface RunRequested extends EventBase {
  readonly type: 'run.requested';
  /** Who asked: `cli`, `schedule`, `manual`, `webhook`, `retry`, `flow:<stage before>`, … */
  readonly trigger: string;
  /** Read the source from the beginning (the stored checkpoint is discarded). */
  readonly fromStart: boolean;
  /** Delta sync: read everything this time. */
  readonly full: boolean;
  /** Requests with the same key while one waits are one request. */
  readonly dedupeKey?: string;
  /**
   * What the queue did with it: `accepted` (nothing of the flow ahead), `queued` (after the active run),
   * `deduped` (one like it already waits), `skipped` (`overlap: skip` refused it; recorded as a skipped run).
   */
  readonly outcome: 'accepted' | 'queued' | 'deduped' | 'skipped';
  /** The request's id (not for a skipped one): its run's `run.started` carries it as `requestId`. */
  readonly requestId?: string;
}

/** The run holds the flow's lease and starts reading. */
export interface RunStarted extends EventBase {
  readonly type: 'run.started';
  readonly runId: number;
  readonly trigger: string;
  /** The flow file the run was started from (RunRow.flowFile). */
  readonly flowFile: string | null;
  /** The run whose checkpoint this one resumes from, if any. */
  readonly resumedFrom: number | null;
  /** A run whose process was gone and that this one replaced (marked failed). */
  readonly replaced?: number;
  /** The run request this run serves (RunOptions.requestId), when it came through the run queue. */
  readonly requestId?: string;
}

/** After each page read: how far the run is, for live views (totals are those of committed pages). */
export interface RunProgress extends EventBase {
  readonly type: 'run.progress';
  readonly runId: number;
  /** Pages committed so far. */
  readonly pages: number;
  /** The run's totals so far. */
  readonly counts: RunCounts;
  readonly elapsedMs: number;
  readonly resumedFrom: number | null;
  /** Share of the source read (0–1), where the source can tell (files); undefined otherwise. */
  readonly fraction?: number;
  /** The share the source was at when this run started (a resumed run starts part of the way in). */
  readonly startFraction?: number;
}

/** A page committed (its records, error records, checkpoint and the run's counts, atomically). */
export interface PageCommitted extends EventBase {
  readonly type: 'page.committed';
  readonly runId: number;
  /** 1-based page number within the run. */
  readonly seq: number;
  /** Records the page brought (read, including those the source could not read). */
  readonly records: number;
  /** Records of the page that failed (each once per stage it failed at). */
  readonly failed: number;
  readonly durationMs: number;
  /** Whether the page committed a checkpoint (a buffering step holds them back until its flush). */
  readonly checkpointed: boolean;
  /** This page's counts. */
  readonly page: RunCounts;
  /** The run's totals after this page. */
  readonly counts: RunCounts;
  /** The error records committed with the page (new ones, or open ones the same failure repeated), in order. */
  readonly errorIds: readonly number[];
}

/** One failed record, committed to the error store with its page (published just before the page's `page.committed`). */
export interface RecordFailed extends EventBase {
  readonly type: 'record.failed';
  readonly runId: number;
  readonly errorId: number;
  /** The source record's id (`line:42`, a key). */
  readonly recordId: string;
  /** Where it failed (its text form, `stageText`: `source`, a step's name, `destination:<name>`). */
  readonly stage: Stage;
  readonly code: string;
  readonly kind: string;
  /** Masked as stored. */
  readonly message: string;
}

/** The run ended (any status), its row saved; `run` is what `engine.run` returns. */
export interface RunEnded extends EventBase {
  readonly type: 'run.ended';
  readonly runId: number;
  readonly status: RunStatus;
  readonly run: RunRow;
}

/** An error record was retried from the stage where it failed (by an operator or the automatic retry). */
export interface ErrorRetried extends EventBase {
  readonly type: 'error.retried';
  readonly errorId: number;
  /** The run the record failed in. */
  readonly runId: number;
  readonly recordId: string;
  /** The stage it was retried from. */
  readonly stage: Stage;
  /** Delivered (the record is now `retried`), or failed again (it stays open). */
  readonly ok: boolean;
  /** Attempts in all, this one included. */
  readonly attempts: number;
  /** The error code when it failed again. */
  readonly code?: string;
  /** What happened (`delivered`, `dropped by step filter`, …) or why it failed again (masked). */
  readonly message: string;
  /** Pipelines: the flows of `next:` the record was handed on to. */
  readonly handedOn: readonly string[];
}

/** An operator resolved an error record (it is not retried any more). */
export interface ErrorResolved extends EventBase {
  readonly type: 'error.resolved';
  readonly errorId: number;
  /** The run the record failed in. */
  readonly runId: number;
  readonly recordId: string;
  readonly stage: Stage;
  readonly note: string | null;
}
