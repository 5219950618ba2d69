import type { FlowDefinition } from '../config/definition.js';
import { type Clock, FlowError, parseDuration, RUN_HEARTBEAT_MS } from '../sdk/index.js';
import type { Lease, StateStore } from '../store/state-store.js';
import { formatMs } from './call-timeout.js';

/**
 * What stops a run early, as one abort signal: the caller's signal (CANCELED), the flow's
 * `timeouts.run` (RUN_TIMEOUT) and a lease lost between commits (RUN_LEASE_LOST: the heartbeat renews
 * the lease on the clock, and a failed renewal stops the run, whose next write would fail anyway).
 */
export interface RunWatch {
  readonly signal: AbortSignal;
  /** Stops the timers and lets go of the caller's signal. */
  stop(): void;
}

export interface RunWatchOptions {
  readonly runId: number;
  /** The flow or sync run: its name and `timeouts.run`. */
  readonly job: {
    readonly kind?: 'flow' | 'sync';
    readonly name: string;
    readonly timeouts?: FlowDefinition['timeouts'];
  };
  readonly clock: Clock;
  readonly store: StateStore;
  readonly lease: Lease;
  /** The caller's: aborting it cancels the run. */
  readonly signal?: AbortSignal | undefined;
  /** Interval of lease renewals (default RUN_HEARTBEAT_MS). */
  readonly heartbeatMs?: number | undefined;
}

export function watchRun(o: RunWatchOptions): RunWatch {
  const { clock, lease } = o;
  const abort = new AbortController();
  const onAbort = () =>
    abort.abort(new FlowError('CANCELED', `run ${o.runId} of ${o.job.kind ?? 'flow'} "${o.job.name}" was canceled`));
  if (o.signal?.aborted) onAbort();
  o.signal?.addEventListener('abort', onAbort, { once: true });
  const limitMs = o.job.timeouts?.run === undefined ? undefined : parseDuration(o.job.timeouts.run);
  const runTimer =
    limitMs === undefined
      ? undefined
      : clock.setTimer(
          limitMs,
          () =>
            abort.abort(
              new FlowError(
                'RUN_TIMEOUT',
                `run ${o.runId} of ${o.job.kind ?? 'flow'} "${o.job.name}" took longer than ${formatMs(limitMs)} (timeouts.run)`,
              ),
            ),
          { keepAlive: true },
        );
  const heartbeat = clock.every(o.heartbeatMs ?? RUN_HEARTBEAT_MS, () => {
    o.store.renewLease(lease, new Date(clock.now().getTime() + lease.ms)).catch((e: unknown) => {
      if (e instanceof FlowError && e.code === 'RUN_LEASE_LOST') abort.abort(e);
    });
  });
  return {
    signal: abort.signal,
    stop() {
      heartbeat.cancel();
      runTimer?.cancel();
      o.signal?.removeEventListener('abort', onAbort);
    },
  };
}

/** Abort reasons that fail the run (a timeout, a lost lease); any other abort cancels it. */
export const failsRun = (reason: unknown): boolean =>
  reason instanceof FlowError && (reason.code === 'RUN_TIMEOUT' || reason.code === 'RUN_LEASE_LOST');
