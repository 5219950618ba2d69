import type { Engine, FlowState } from '../engine/index.js';
import type { BreakerRow, RunRow, StateStore } from '../store/state-store.js';

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
  /** Every connection's circuit breaker that has tripped. */
  breakers: BreakerRow[];
}

export interface Status {
  /** Every flow's last run, open error records and watermark (as the engine reads it), and the breakers. */
  report(): Promise<StatusReport>;
}

export function createStatus(deps: { store: StateStore; engine: () => Engine }): Status {
  return {
    async report() {
      const { store } = deps;
      const recent = await store.listRuns({ limit: 1000 });
      const latest = new Map<string, RunRow>();
      for (const run of recent) if (!latest.has(run.flow)) latest.set(run.flow, run);
      const flows: FlowStatus[] = [];
      for (const [flow, lastRun] of [...latest].sort(([a], [b]) => a.localeCompare(b))) {
        const { watermark } = await deps.engine().flowState(flow);
        flows.push({
          flow,
          lastRun,
          openErrors: await store.countErrors({ flow, status: 'open' }),
          ...(watermark ? { watermark } : {}),
        });
      }
      return { flows, breakers: await store.listBreakers() };
    },
  };
}
