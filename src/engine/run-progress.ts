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
}

export type ProgressListener = (progress: RunProgress) => void;
