import type { ReturnedIdRow, RunRow, StateStore } from '../store/state-store.js';

export interface ReturnedIds {
  /**
   * The ids destinations returned for the records a run wrote (source record → id in the destination),
   * in page order; undefined when there is no such run.
   */
  ofRun(
    runId: number,
    filter: { destination?: string | undefined; record?: string | undefined; limit: number },
  ): Promise<{ run: RunRow; ids: ReturnedIdRow[] } | undefined>;
}

export function createReturnedIds(deps: { store: StateStore }): ReturnedIds {
  return {
    async ofRun(runId, filter) {
      const run = await deps.store.getRun(runId);
      if (!run) return undefined;
      const ids = await deps.store.listReturnedIds({
        runId,
        ...(filter.destination ? { destination: filter.destination } : {}),
        ...(filter.record ? { record: filter.record } : {}),
        limit: filter.limit,
      });
      return { run, ids };
    },
  };
}
