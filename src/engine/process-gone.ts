import type { RunRow } from '../store/state-store.js';

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
 * Whether the process of a run marked `running` is known to be gone: it ran on this host and its pid
 * is dead (or it is this very process, which is not running it). Such a run is taken over at once;
 * any other only once its lease lapsed (StateStore.startRun), since a live process that is paused or
 * blocked cannot be told from a dead one on another machine.
 */
export function processGone(run: RunRow, self: Self): boolean {
  if (run.host !== self.host) return false;
  if (run.pid === self.pid) return !self.live.has(run.id);
  return !processAlive(run.pid);
}
