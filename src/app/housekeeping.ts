import type { ProjectDefinition } from '../config/definition.js';
import { type AutoRetryResult, autoRetryRound, type Engine, type RetryResult } from '../engine/index.js';
import { type Clock, FlowError, type Logger, parseDuration, toFlowError } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import { type RecordRetry, retryRecords } from './retry-records.js';
import type { RunService } from './runs.js';

/** What `retryRecords` yields, as the list of results an auto-retry round reads. */
async function collect(retried: AsyncIterable<RecordRetry>): Promise<RetryResult[]> {
  const results: RetryResult[] = [];
  for await (const r of retried)
    results.push('outcome' in r ? { id: r.id, outcome: r.outcome } : { id: r.id, refused: toFlowError(r.error) });
  return results;
}

export interface HousekeepingOptions {
  readonly project: ProjectDefinition;
  readonly store: StateStore;
  /** Retries error records (the engine's `retryErrors`, through `retryRecords`). */
  readonly engine: Pick<Engine, 'retryErrors'>;
  /** Where the pipeline stages the retried records were handed on to are requested. */
  readonly runs: Pick<RunService, 'request'>;
  readonly clock: Clock;
  readonly log: Logger;
  /** Retried and resolved error records older than this are removed (`serve --error-retention`, default 30d). */
  readonly errorRetention?: string;
}

export interface Housekeeping {
  /** Starts the timers: the retention purge runs at once, then hourly; each flow's auto-retry on its schedule. */
  start(): void;
  /** Stops the timers and waits for a round in progress, which ends after the record it is retrying. */
  stop(): Promise<void>;
}

const RETENTION_EVERY_MS = 3_600_000;

/**
 * The timers of `syncline serve`, on the injected clock (a ManualClock drives them in tests):
 * every flow of the file retries its transiently failed error records on a schedule (`autoRetry:`,
 * default every 15 minutes, up to 5 attempts in all; one round at a time per flow), the pipeline
 * stages those records were handed on to are requested as `retry` runs; and every hour (and once at
 * start) retried and resolved error records past the retention go.
 */
export function createHousekeeping(o: HousekeepingOptions): Housekeeping {
  const span = o.errorRetention ?? '30d';
  const retentionMs = parseDuration(span);
  if (retentionMs === undefined) {
    throw new FlowError('CONFIG_INVALID', `--error-retention "${span}" is not a span`, {
      hint: 'write e.g. 30d or 12h',
    });
  }
  const { clock, log } = o;
  const abort = new AbortController();
  const loops: Promise<void>[] = [];

  /** `work` every `ms` of the clock, the next wait starting when it ended, until stopped. */
  const every = async (ms: number, work: () => Promise<void>) => {
    while (!abort.signal.aborted) {
      try {
        await clock.sleep(ms, abort.signal);
      } catch {
        return; // stopped
      }
      await work();
    }
  };

  const autoRetry = (flow: string, maxAttempts: number) => async () => {
    await autoRetryRound(
      {
        store: o.store,
        // once stopped, no batch starts (the records stay open for the next start)
        retryErrors: (project, ids) =>
          abort.signal.aborted
            ? Promise.reject(new FlowError('CANCELED', 'serve is stopping'))
            : collect(retryRecords(o.engine, project, ids)),
        runStage: (_project, stage) => o.runs.request({ flow: stage, trigger: 'retry' }),
      },
      o.project,
      flow,
      { maxAttempts },
    )
      .then((r: AutoRetryResult) => {
        if (r.tried > 0) log.info({ flow, ...r }, 'automatic retry of transient failures');
      })
      .catch((error: unknown) => log.error({ flow, error: String(error) }, 'automatic retry failed'));
  };

  const purge = async () => {
    await o.store
      .purgeErrors(new Date(clock.now().getTime() - retentionMs))
      .then((n) => {
        if (n > 0)
          log.info({ removed: n, retention: span }, 'removed retried and resolved error records past retention');
      })
      .catch((error: unknown) => log.error({ error: String(error) }, 'error retention failed'));
  };

  return {
    start() {
      for (const flow of Object.values(o.project.flows)) {
        const a = flow.autoRetry ?? {};
        if (a.enabled === false) continue;
        const ms = parseDuration(a.every ?? '15m') ?? 900_000;
        loops.push(every(ms, autoRetry(flow.name, a.maxAttempts ?? 5)));
      }
      loops.push(purge().then(() => every(RETENTION_EVERY_MS, purge)));
    },
    async stop() {
      abort.abort();
      await Promise.all(loops);
    },
  };
}
