import type { ProjectDefinition } from '../config/definition.js';
import type { StateStore } from '../store/state-store.js';
import type { RetryResult } from './retry-error-record.js';

export interface AutoRetryOptions {
  /** Give up on a record after this many attempts in all (it stays open for an operator). */
  readonly maxAttempts: number;
}

export interface AutoRetryResult {
  readonly tried: number;
  readonly delivered: number;
}

/**
 * One round of the automatic retry: every open error record of the flow whose failure was transient
 * (a timeout, a 503 that outlasted the in-run retries) and that has attempts left is retried from
 * the stage where it failed. Records that failed for a reason in the data are left to an operator.
 * Pipeline stages the delivered records were handed on to are requested once after the round
 * (`syncline serve` requests `retry` runs; one of a stage already running folds into its next run).
 */
export async function autoRetryRound(
  deps: {
    store: StateStore;
    /** Retries error records, the flow opened once per batch of one stage (retry-error-record.ts). */
    retryErrors(project: ProjectDefinition, ids: readonly number[]): Promise<readonly RetryResult[]>;
    /** Requests a run of a pipeline stage (which requests the stages after it). */
    runStage(project: ProjectDefinition, flow: string): Promise<unknown>;
  },
  project: ProjectDefinition,
  flow: string,
  options: AutoRetryOptions,
): Promise<AutoRetryResult> {
  const open = await deps.store.listErrors({ flow, status: 'open', kind: 'transient', limit: 1000 });
  const ids = open
    .reverse()
    .filter((e) => e.attempts < options.maxAttempts)
    .map((e) => e.id);
  // a round that cannot retry (its flow does not open) tries again next round
  const results = ids.length === 0 ? [] : await deps.retryErrors(project, ids).catch(() => []);
  let delivered = 0;
  const stages = new Set<string>();
  for (const r of results) {
    if (!('outcome' in r)) continue;
    if (r.outcome.ok) delivered += 1;
    for (const stage of r.outcome.handedOn) stages.add(stage);
  }
  for (const stage of stages) await deps.runStage(project, stage);
  return { tried: ids.length, delivered };
}
