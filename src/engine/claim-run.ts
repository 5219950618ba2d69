import type { ProjectDefinition } from '../config/definition.js';
import { RUN_LEASE_MS, runOwner } from '../sdk/index.js';
import type { StartedRun } from '../store/state-store.js';
import { ownerGone, type Self } from './process-gone.js';
import type { RunDeps } from './run-flow.js';

/** What a run is started with: who asked for it, and whether it ignores a stored checkpoint. */
export interface ClaimOptions {
  readonly trigger: string;
  readonly fromStart?: boolean;
}

/**
 * Claims the lease of a flow or sync (by its name) for this process and starts the run under it
 * (docs/architecture.md, Run ownership): refused (RUN_ALREADY_ACTIVE) while another claim holds the
 * name. A lease whose owner is known gone (a dead pid on this host: a killed run) is taken over at
 * once, any other only once it lapsed; either way the token grows and the old holder's writes fail
 * from then on.
 */
export async function claimRun(
  deps: Pick<RunDeps, 'store' | 'host' | 'pid' | 'leaseMs'>,
  project: ProjectDefinition,
  name: string,
  options: ClaimOptions,
  now: Date,
): Promise<StartedRun> {
  const self: Self = { host: deps.host, pid: deps.pid, owner: runOwner(deps.host, deps.pid) };
  const until = new Date(now.getTime() + (deps.leaseMs ?? RUN_LEASE_MS));
  const held = await deps.store.getLease(name);
  // a hint: the store takes the lease over only if it still has this token
  const takeOver = held?.owner && held.expiresAt > now && ownerGone(held.owner, self) ? held.token : undefined;
  const lease = await deps.store.claimLease(name, self.owner, until, {
    at: now,
    ...(takeOver === undefined ? {} : { takeOver }),
  });
  try {
    return await deps.store.startRun({
      lease,
      trigger: options.trigger,
      flowFile: project.file,
      host: deps.host,
      pid: deps.pid,
      startedAt: now,
      ...(options.fromStart ? { fromStart: true } : {}),
    });
  } catch (error) {
    await deps.store.releaseLease(lease, now).catch(() => undefined);
    throw error;
  }
}
