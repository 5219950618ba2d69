import type { RunRow, StateStore } from '../store/state-store.js';

/** The runs recorded in the store (requesting and canceling runs is the run queue's). */
export interface RunHistory {
  /** The latest runs, newest first. */
  list(filter: { flow?: string | undefined; limit: number }): Promise<RunRow[]>;
  show(id: number): Promise<RunRow | undefined>;
}

export function createRunHistory(deps: { store: StateStore }): RunHistory {
  return {
    list: ({ flow, limit }) => deps.store.listRuns({ ...(flow ? { flow } : {}), limit }),
    show: (id) => deps.store.getRun(id),
  };
}
