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
