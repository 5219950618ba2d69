import type { RunRow } from '../store/state-store.js';

/** How long a run on another machine may go without a heartbeat before it counts as dead. */
export const HEARTBEAT_TIMEOUT_MS = 60_000;

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface Self {
  readonly host: string;
  readonly pid: number;
  /** Ids of the runs this process is executing right now. */
  readonly live: ReadonlySet<number>;
}

/**
 * Whether a run marked `running` is really gone: on this host its process is dead (or it is
 * this process but not one of its live runs); elsewhere its heartbeat is too old.
 */
export function isStale(run: RunRow, self: Self, now: Date): boolean {
  if (run.host === self.host) {
    if (run.pid === self.pid) return !self.live.has(run.id);
    if (!processAlive(run.pid)) return true;
  }
  return now.getTime() - run.heartbeatAt.getTime() > HEARTBEAT_TIMEOUT_MS;
}
