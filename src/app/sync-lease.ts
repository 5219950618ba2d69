import { hostname } from 'node:os';
import { type Clock, RUN_LEASE_MS, runOwner } from '../sdk/index.js';
import type { ClaimedLease, StateStore } from '../store/state-store.js';

/**
 * Runs a review action that changes a sync's state the way a run does (staging a change, removing a
 * link with its conflicts) under the sync's lease, so it never interleaves with a run of the sync:
 * RUN_ALREADY_ACTIVE while one is active. The lease is released afterwards, whatever happens.
 */
export async function withSyncLease<T>(
  deps: { readonly store: StateStore; readonly clock: Clock },
  sync: string,
  use: (lease: ClaimedLease) => Promise<T>,
): Promise<T> {
  const now = deps.clock.now();
  const lease = await deps.store.claimLease(sync, runOwner(hostname()), new Date(now.getTime() + RUN_LEASE_MS), {
    at: now,
  });
  try {
    return await use(lease);
  } finally {
    await deps.store.releaseLease(lease, deps.clock.now()).catch(() => undefined);
  }
}
