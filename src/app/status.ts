import type { Engine, FlowState } from '../engine/index.js';
import type { BreakerRow, RunRow, StateStore } from '../store/state-store.js';
import type { SyncStatus, Syncs } from './syncs.js';

export interface FlowStatus {
  flow: string;
  lastRun: RunRow;
  openErrors: number;
  /** Delta sync: the watermark (highest cursor handled by completed runs) and the last full sync. */
  watermark?: FlowState['watermark'];
}

export interface StatusReport {
  /** Every flow that has run, by name, with its last run. */
  flows: FlowStatus[];
  /** Every sync that has run, by name: its last run, next schedule and review queues. */
  syncs: (SyncStatus & { openErrors: number })[];
  /** Every connection's circuit breaker that has tripped. */
  breakers: BreakerRow[];
}

export interface Status {
  /** Every flow's and sync's last run, open error records and watermark or queues, and the breakers. */
  report(): Promise<StatusReport>;
}

export function createStatus(deps: { store: StateStore; engine: () => Engine; syncs: Syncs }): Status {
  return {
    async report() {
      const { store } = deps;
      const recent = await store.listRuns({ limit: 1000 });
      const latest = new Map<string, RunRow>();
      // a sync's runs carry its counters (a skipped run of it does not): one such run makes the name a sync's
      const syncNames = new Set<string>();
      for (const run of recent) {
        if (!latest.has(run.flow)) latest.set(run.flow, run);
        if (run.counts.sync !== undefined) syncNames.add(run.flow);
      }
      const flows: FlowStatus[] = [];
      const syncRuns: RunRow[] = [];
      for (const [flow, lastRun] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
        if (syncNames.has(flow)) {
          syncRuns.push(lastRun);
          continue;
        }
        const { watermark } = await deps.engine().flowState(flow);
        flows.push({
          flow,
          lastRun,
          openErrors: await store.countErrors({ flow, status: 'open' }),
          ...(watermark ? { watermark } : {}),
        });
      }
      const syncs = await Promise.all(
        (await deps.syncs.status(syncRuns)).map(async (s) => ({
          ...s,
          openErrors: await store.countErrors({ flow: s.sync, status: 'open' }),
        })),
      );
      return { flows, syncs, breakers: await store.listBreakers() };
    },
  };
}
