import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import {
  type Clock,
  createRecord,
  FlowError,
  type JsonObject,
  type Logger,
  noMetrics,
  type Stage,
  stageText,
  type TokenStore,
  toFlowError,
} from '../sdk/index.js';
import type { ErrorRecordRow, StateStore } from '../store/state-store.js';
import type { Breakers } from './breakers.js';
import type { ConnectionPool } from './connection-pool.js';
import { makeContext, storeState } from './make-context.js';
import { flowMessageMask } from './message-mask.js';
import { marksOnce } from './once-mark.js';
import { openFlow } from './open-flow.js';
import { type PageOutcome, runPage } from './page-outcome.js';
import type { Registry } from './registry.js';
import { keepRetryItems, type RetriedRecord, settleRetry } from './retry-commit.js';
import type { RetryOptions } from './retry-policy.js';
import type { RunEventPublisher } from './run-events.js';

export interface RetryOutcome {
  readonly id: number;
  readonly ok: boolean;
  /** Why it failed again, or what happened (`delivered`, `dropped by step filter`, `handed on to load`). */
  readonly message: string;
  readonly record: ErrorRecordRow;
  /**
   * Pipelines: the flows of `next:` the record was handed on to (in their input in the store). They
   * deliver it when they run next: the caller runs them, as `syncline run` runs a stage's next ones.
   */
  readonly handedOn: readonly string[];
}

/** What became of one error record of a bulk retry: retried (delivered or failed again), or refused. */
export type RetryResult =
  | { readonly id: number; readonly outcome: RetryOutcome }
  /** Not retried (not found, resolved, its flow gone, not retryable, or its flow could not be opened). */
  | { readonly id: number; readonly refused: FlowError };

export interface RetryDeps {
  registry: Registry;
  pool: ConnectionPool;
  store: StateStore;
  clock: Clock;
  log: Logger;
  retry: RetryOptions;
  breakers?: Breakers;
  tokens?: TokenStore;
  /** Where `error.retried` is published. */
  events?: RunEventPublisher;
}

/** Error records retried together: at most this many go through one opened flow at once. */
export const RETRY_BATCH_SIZE = 500;

/**
 * Re-processes error records from the stage where each failed (a destination failure is retried at
 * that destination only), through the same page pipeline as a run: the records of one flow and stage
 * go through the flow opened once, a batch at a time, and their step state, hand-offs and export
 * marks are kept as a page commit keeps them. `payload` (one id only) replaces the record's.
 */
export async function retryErrorRecords(
  deps: RetryDeps,
  project: ProjectDefinition,
  ids: readonly number[],
  options: { payload?: JsonObject } = {},
): Promise<RetryResult[]> {
  if (options.payload !== undefined && ids.length !== 1)
    throw new FlowError('CONFIG_INVALID', 'an edited payload replaces one record: give exactly one error record id');
  const results = new Map<number, RetryResult>();
  const groups = new Map<string, { flow: FlowDefinition; stage: Stage; items: Retried[] }>();
  for (const id of ids) {
    const checked = await retryable(deps.store, project, id, options.payload);
    if (checked instanceof FlowError) {
      results.set(id, { id, refused: checked });
      continue;
    }
    const key = `${checked.flow.name}\u0000${stageText(checked.err.stage)}`;
    const group = groups.get(key) ?? { flow: checked.flow, stage: checked.err.stage, items: [] };
    group.items.push(checked);
    groups.set(key, group);
  }
  for (const { flow, stage, items } of groups.values())
    for (const batch of batches(items)) {
      for (const r of await retryBatch(deps, project, flow, stage, batch, options.payload !== undefined))
        results.set(r.id, r);
    }
  return ids.map((id) => results.get(id) as RetryResult);
}

/** One error record, as `retryErrorRecords` retries it; throws when it cannot be retried. */
export async function retryErrorRecord(
  deps: RetryDeps,
  project: ProjectDefinition,
  id: number,
  options: { payload?: JsonObject } = {},
): Promise<RetryOutcome> {
  const [result] = await retryErrorRecords(deps, project, [id], options);
  if (result === undefined) throw new FlowError('INTERNAL', `error record ${id} was not retried`);
  if ('refused' in result) throw result.refused;
  return result.outcome;
}

interface Retried extends RetriedRecord {
  readonly flow: FlowDefinition;
}

/** The error record, its flow and the payload to retry; or why it cannot be retried. */
async function retryable(
  store: StateStore,
  project: ProjectDefinition,
  id: number,
  edited: JsonObject | undefined,
): Promise<Retried | FlowError> {
  const err = await store.getError(id);
  if (!err) return new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
  if (err.status !== 'open')
    return new FlowError('ERROR_RECORD_RESOLVED', `error record ${id} is already ${err.status}`);
  const flow = project.flows[err.flow];
  if (!flow)
    return new FlowError(
      'FLOW_NOT_FOUND',
      `error record ${id} belongs to flow "${err.flow}", which is not in ${project.file}`,
      { hint: 'pass the flow file that defines it with --file' },
    );
  if (err.stage.kind === 'source' && edited === undefined)
    return new FlowError(
      'PAYLOAD_INVALID',
      `error record ${id} could not be read from the source, so there is no record to retry as is`,
      { hint: 'write the corrected record as a JSON object to a file and pass it with --payload <file>' },
    );
  return { err, flow, payload: edited ?? err.payload };
}

/** A flow and stage's records in batches, each record id once per batch (a batch is one page). */
function batches(items: readonly Retried[]): Retried[][] {
  const out: { ids: Set<string>; items: Retried[] }[] = [];
  for (const item of items) {
    const batch = out.find((b) => b.items.length < RETRY_BATCH_SIZE && !b.ids.has(item.err.recordId));
    if (batch) {
      batch.items.push(item);
      batch.ids.add(item.err.recordId);
    } else out.push({ ids: new Set([item.err.recordId]), items: [item] });
  }
  return out.map((b) => b.items);
}

/** Where a retry of this stage enters the flow: its steps from this index on. */
function stepsFrom(flow: FlowDefinition, stage: Stage): number {
  if (stage.kind === 'step') return stage.index;
  return stage.kind === 'destination' ? flow.steps.length : 0;
}

/** Retries one batch of error records of one flow and stage: the flow opened once, one page through it. */
async function retryBatch(
  deps: RetryDeps,
  project: ProjectDefinition,
  flow: FlowDefinition,
  stage: Stage,
  batch: readonly Retried[],
  edited: boolean,
): Promise<RetryResult[]> {
  const { store, clock } = deps;
  const first = batch[0] as Retried;
  const abort = new AbortController();
  const ctx = makeContext({
    runId: `retry-${first.err.id}${batch.length > 1 ? `+${batch.length - 1}` : ''}`,
    flow: flow.name,
    signal: abort.signal,
    clock,
    log: deps.log,
    metrics: noMetrics,
    baseDir: project.baseDir,
    // as in a run: steps' state (a dedupe window, shared lookup caches) and the connectors' tokens
    state: storeState(store, clock),
    ...(deps.tokens ? { tokens: deps.tokens } : {}),
  });
  // export mode once: a delivered record is marked at its source, as after a page commit
  const source = deps.registry.source(flow.source.type);
  const once = marksOnce(flow, source);
  const refuse = (error: FlowError) => batch.map((r) => ({ id: r.err.id, refused: error }));
  const open = await openFlow(deps.registry, deps.pool, project, flow, ctx, {
    source: once,
    stepsFrom: stepsFrom(flow, stage),
    destinations: stage.kind === 'destination' ? [stage.name] : 'all',
    // the writers get these records only: a file written whole by a run is added to, not replaced
    partial: true,
    retry: deps.retry,
    ...(deps.breakers ? { breakers: deps.breakers } : {}),
  }).catch((error: unknown) => toFlowError(error, `flow ${flow.name}`));
  if (open instanceof FlowError) return refuse(open);
  const buffering = open.steps.find((st) => st.processor.flush !== undefined);
  if (buffering) {
    abort.abort();
    await open.close();
    return batch.map((r) => ({
      id: r.err.id,
      refused: new FlowError(
        'ERROR_RECORD_NOT_RETRYABLE',
        `error record ${r.err.id} would go through step ${buffering.def.name} (${buffering.def.type}), which combines the records of a whole run: retried alone it would write a result of one record over the real one`,
        {
          hint: `Fix the record at the source and run flow ${flow.name} again from the start, then resolve this error record with a note.`,
          next: [{ action: 'flows.run', flow: flow.name, fromStart: true }],
        },
      ),
    }));
  }
  const mask = flowMessageMask(project, flow);
  const commit = { store, clock, mask, flow, source, open, ctx };
  let kept: Awaited<ReturnType<typeof keepRetryItems>>;
  try {
    let outcome: PageOutcome | FlowError;
    try {
      const records = batch.map((r) => createRecord(r.payload, { id: r.err.recordId }));
      const pipeline = { flow, open, ctx, ...(once ? { once: true } : {}) };
      outcome = await runPage(pipeline, { records }, { flush: true, trackDropped: true });
    } catch (error) {
      outcome = error instanceof FlowError ? error : new FlowError('INTERNAL', String(error));
    }
    kept = await keepRetryItems(commit, batch, outcome);
  } finally {
    abort.abort();
    await open.close();
  }
  const settled = await settleRetry(commit, kept, edited);
  const at = clock.now();
  for (const o of settled)
    deps.events?.publish({
      type: 'error.retried',
      flow: flow.name,
      at,
      errorId: o.id,
      runId: o.record.runId,
      recordId: o.record.recordId,
      stage,
      ok: o.ok,
      attempts: o.record.attempts,
      ...(o.ok ? {} : { code: o.record.code }),
      message: o.message,
      handedOn: o.handedOn,
    });
  return settled.map((o) => ({ id: o.id, outcome: o }));
}
