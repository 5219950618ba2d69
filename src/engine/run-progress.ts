import type { RunCounts, RunStatus } from '../store/state-store.js';

/** What a progress display needs, reported after every committed page. */
export interface RunProgress {
  readonly runId: number;
  readonly flow: string;
  readonly status: RunStatus;
  readonly pages: number;
  readonly counts: RunCounts;
  readonly elapsedMs: number;
  /** Set when the run resumed an interrupted one. */
  readonly resumedFrom: number | null;
  /** Share of the source read (0–1), where the source can tell (files); undefined otherwise. */
  readonly fraction?: number;
  /** The share the source was at when this run started (a resumed run starts part of the way in). */
  readonly startFraction?: number;
}

export type ProgressListener = (progress: RunProgress) => void;
