import type { SyncDefinition } from '../../config/definition.js';
import type { Clock, Context } from '../../sdk/index.js';
import type { Lease, RunCounts, SyncCounts } from '../../store/state-store.js';
import type { SyncStore } from '../../store/sync-store.js';
import type { MessageMask } from '../message-mask.js';
import type { CompiledSync, Side, SyncPlanner } from './sync-plan-types.js';
import type { OpenSide } from './sync-side.js';

/** What every part of one sync run works with (run-sync.ts builds it once). */
export interface SyncRun {
  readonly def: SyncDefinition;
  readonly compiled: CompiledSync;
  readonly planner: SyncPlanner;
  readonly store: SyncStore;
  readonly lease: Lease;
  readonly runId: number;
  readonly ctx: Context;
  readonly clock: Clock;
  /** Masks secrets and the sync's `pii` fields in the error texts stored. */
  readonly mask: MessageMask;
  readonly counts: RunCounts & { sync: SyncCounts };
  readonly sides: Readonly<Record<Side, OpenSide>>;
  /** Links with open or resolved field conflicts: loaded when the run starts, grown as it opens more. */
  readonly conflictLinks: Set<number>;
  /** Publishes a run.progress event with the counts so far. */
  progress(): void;
  /** Records that failed this run (error records stored): a reconcile pass runs only after a run without. */
  failures: number;
}
