import { randomBytes } from 'node:crypto';

/**
 * How long a run holds its flow without a commit or heartbeat (DESIGN.md: lease). A run that renews
 * its lease for none of this window (process paused, machine asleep, event loop blocked) may be
 * taken over by another run, and its own writes then fail with RUN_LEASE_LOST.
 */
export const RUN_LEASE_MS = 60_000;

/** How often a run renews its lease between commits. */
export const RUN_HEARTBEAT_MS = 15_000;

/**
 * The longest one call may block the process (a `script` step's `timeout`): half the lease window,
 * so that the heartbeats around it still renew the lease in time.
 */
export const MAX_BLOCKING_MS = RUN_LEASE_MS / 2;

/** Who holds a lease: a process, named by its host, its pid and an id drawn once per process. */
export interface RunOwner {
  host: string;
  pid: number;
  /** Tells two processes apart that had the same pid (a restarted container's pid 1); '' on leases stored before owners had one. */
  instance: string;
}

/** This process's instance id: the same for every engine in the process, new in every process. */
const PROCESS_INSTANCE = randomBytes(6).toString('hex');

/** The owner of the leases this process takes on `host` (default: this process's pid and instance). */
export function runOwner(host: string, pid = process.pid, instance = PROCESS_INSTANCE): string {
  return `${host}:${pid}:${instance}`;
}

/** The parts of an owner string (`host:pid:instance`, the host may hold colons); undefined when it is none. */
export function parseRunOwner(owner: string): RunOwner | undefined {
  const match = /^(.+):(\d+):([0-9a-z]*)$/.exec(owner);
  if (!match?.[1] || !match[2]) return undefined;
  return { host: match[1], pid: Number(match[2]), instance: match[3] ?? '' };
}
