import { parseRunOwner } from '../sdk/index.js';

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The process asking: its host and pid, and the owner string its leases carry (src/sdk/run-lease.ts). */
export interface Self {
  readonly host: string;
  readonly pid: number;
  readonly owner: string;
}

/**
 * A hint, never the authority: whether the process that owns an unexpired lease is known to be gone,
 * so that its flow may be claimed at once rather than when the lease lapses (a killed run resumes
 * without waiting). Known gone only on this host: its pid is dead, or it is this process's pid with
 * another instance id (a restarted container's pid 1). Anything else (another host, a live pid, an
 * owner string of another form, this very process) is not known gone. Acting on the hint is a
 * takeover by the lease itself (StateStore.claimLease with `takeOver`): compared and incremented in
 * one transaction, so a wrong or stale hint can only cost a refused claim, never two owners.
 */
export function ownerGone(owner: string, self: Self): boolean {
  const parsed = parseRunOwner(owner);
  if (parsed === undefined || parsed.host !== self.host || owner === self.owner) return false;
  if (parsed.pid === self.pid) return true;
  return !processAlive(parsed.pid);
}
