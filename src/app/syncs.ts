import { Cron } from 'croner';
import type { Clock } from '../sdk/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';
import type { Projects } from './projects.js';
import { createSyncConflicts, type SyncConflicts } from './sync-conflicts.js';
import { createSyncDeletes, type SyncDeletes } from './sync-deletes.js';
import { createSyncLinks, type SyncLinks } from './sync-links.js';
import { createSyncLookup, type SyncInfo, type SyncLookup } from './sync-lookup.js';

/** A sync's state for `status`: its last run, its schedule and its review queues. */
export interface SyncStatus {
  readonly sync: string;
  readonly lastRun: RunRow;
  /** Side labels (from the flow file of its last run; `a` / `b` when it cannot be read). */
  readonly labels: SyncInfo['labels'];
  readonly schedule: string | null;
  /** When its schedule fires next (null: no schedule, or its flow file cannot be read). */
  readonly nextRun: Date | null;
  readonly links: number;
  readonly openConflicts: number;
  readonly pendingDeletes: number;
  /** Changes read and not yet applied (their writes failed, or a run stopped before applying them). */
  readonly pendingChanges: number;
  /** Changes whose writes failed `maxAttempts` runs in a row: left out of runs until retried. */
  readonly parkedChanges: number;
}

/** Bi-directional syncs, as an operator reviews them: conflicts, links, pending deletes, status. */
export interface Syncs {
  readonly lookup: SyncLookup;
  readonly conflicts: SyncConflicts;
  readonly links: SyncLinks;
  readonly deletes: SyncDeletes;
  /** The status of every sync that ran with this store, by name; of the given runs (each sync's last run). */
  status(lastRuns: readonly RunRow[]): Promise<SyncStatus[]>;
}

export function createSyncs(deps: { store: StateStore; projects: Projects; clock: Clock }): Syncs {
  const { store, clock } = deps;
  const lookup = createSyncLookup(deps);
  const nextRun = (info: SyncInfo): Date | null => {
    const schedule = info.def?.schedule;
    if (!schedule) return null;
    const job = new Cron(schedule, { paused: true, ...(info.def?.timezone ? { timezone: info.def.timezone } : {}) });
    return job.nextRun(clock.now());
  };
  return {
    lookup,
    conflicts: createSyncConflicts({ store, lookup, clock }),
    links: createSyncLinks({ store, lookup, clock }),
    deletes: createSyncDeletes({ store, lookup, clock }),
    async status(lastRuns) {
      const out: SyncStatus[] = [];
      for (const lastRun of lastRuns) {
        const sync = lastRun.flow;
        const info = await lookup
          .find(sync)
          .catch((): SyncInfo => ({ name: sync, file: null, def: undefined, labels: { a: 'a', b: 'b' } }));
        const [links, openConflicts, pendingDeletes, staged] = await Promise.all([
          store.sync.countLinks({ sync }),
          store.sync.countConflicts({ sync, status: 'open' }),
          store.sync.countLinks({ sync, status: 'pending-delete' }),
          store.sync.countStaged(sync),
        ]);
        out.push({
          sync,
          lastRun,
          labels: info.labels,
          schedule: info.def?.schedule ?? null,
          nextRun: nextRun(info),
          links,
          openConflicts,
          pendingDeletes,
          pendingChanges: staged.pending,
          parkedChanges: staged.parked,
        });
      }
      return out;
    },
  };
}
