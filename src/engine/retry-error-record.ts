import type { ProjectDefinition } from '../config/definition.js';
import {
  type Clock,
  createRecord,
  FlowError,
  type JsonObject,
  type Logger,
  noMetrics,
  type TokenStore,
} from '../sdk/index.js';
import type { ErrorRecordRow, StateStore } from '../store/state-store.js';
import { applySteps } from './apply-steps.js';
import type { Breakers } from './breakers.js';
import type { ConnectionPool } from './connection-pool.js';
import { makeContext, storeState } from './make-context.js';
import { flowMessageMask } from './message-mask.js';
import { openFlow } from './open-flow.js';
import type { Registry } from './registry.js';
import type { RetryOptions } from './retry-policy.js';
import type { RunEventPublisher } from './run-events.js';
import type { StageFailure } from './stage-failure.js';
import { handoffPayload } from './stage-source.js';
import { toErrorRecord } from './to-error-record.js';
import { writeDestination } from './write-destination.js';

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

/**
 * Re-processes one error record from the stage where it failed (a destination failure is
 * retried at that destination only), optionally with an edited payload.
 */
export async function retryErrorRecord(
  deps: RetryDeps,
  project: ProjectDefinition,
  id: number,
  options: { payload?: JsonObject } = {},
): Promise<RetryOutcome> {
  const { store, clock } = deps;
  const err = await store.getError(id);
  if (!err) throw new FlowError('ERROR_RECORD_NOT_FOUND', `no error record with id ${id}`);
  if (err.status !== 'open')
    throw new FlowError('ERROR_RECORD_RESOLVED', `error record ${id} is already ${err.status}`);
  const flow = project.flows[err.flow];
  if (!flow) {
    throw new FlowError(
      'FLOW_NOT_FOUND',
      `error record ${id} belongs to flow "${err.flow}", which is not in ${project.file}`,
      {
        hint: 'pass the flow file that defines it with --file',
      },
    );
  }
  const payload = options.payload ?? err.payload;
  if (err.stage === 'source' && options.payload === undefined) {
    throw new FlowError(
      'PAYLOAD_INVALID',
      `error record ${id} could not be read from the source, so there is no record to retry as is`,
      {
        hint: 'write the corrected record as a JSON object to a file and pass it with --payload <file>',
      },
    );
  }
  const atDestination = err.stage.startsWith('destination:');
  const stepsFrom = err.stage === 'source' ? 0 : atDestination ? flow.steps.length : err.stageIndex;
  const abort = new AbortController();
  const ctx = makeContext({
    runId: `retry-${id}`,
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
  const once = flow.source.once && source.markExported ? flow.source.once : undefined;
  const open = await openFlow(deps.registry, deps.pool, project, flow, ctx, {
    source: once !== undefined,
    stepsFrom,
    destinations: atDestination ? [err.stage.slice('destination:'.length)] : 'all',
    // the writers get this record only: a file written whole by a run is added to, not replaced
    partial: true,
    retry: deps.retry,
    ...(deps.breakers ? { breakers: deps.breakers } : {}),
  });
  const buffering = open.steps.find((st) => st.processor.flush !== undefined);
  if (buffering) {
    abort.abort();
    await open.close();
    throw new FlowError(
      'ERROR_RECORD_NOT_RETRYABLE',
      `error record ${id} would go through step ${buffering.def.name} (${buffering.def.type}), which combines the records of a whole run: retried alone it would write a result of one record over the real one`,
      {
        hint: `Fix the record at the source and run flow ${flow.name} again (syncline run <file> ${flow.name} --from-start), then resolve this error record with a note.`,
      },
    );
  }
  let failure: StageFailure | undefined;
  let message = 'delivered';
  let handedOn: readonly string[] = [];
  /** Destination failures after the steps passed (the other destinations have the record). */
  const spokes: StageFailure[] = [];
  try {
    const record = createRecord(payload, { id: err.recordId });
    const stepped = await applySteps(open.steps, [record], ctx, { flush: true, trackDropped: true });
    failure = stepped.failures[0];
    const dropped = stepped.dropped.get(err.recordId);
    if (dropped) message = `dropped by step ${dropped}`;
    if (!failure && stepped.records.length > 0) {
      for (const d of open.destinations) {
        const w = await writeDestination(d, flow.steps.length, stepped.records, ctx);
        spokes.push(...w.failures);
      }
      failure = spokes[0];
    }
    if (!failure) {
      const at = clock.now();
      if (once && source.markExported)
        await source.markExported(
          { config: flow.source.config, connection: open.connection(flow.source.connection), field: once.field },
          [record],
          ctx,
        );
      // what a page commit keeps besides the records: the steps' state (dedupe keys) …
      for (const w of stepped.commit) if (w.entries.length > 0) await store.putState(w.namespace, w.entries, at);
      // … and, in a pipeline, the records handed on to the next stages (once per attempt: a crash
      // before the error record is marked retried hands the same event on again, which is refused)
      const next = flow.next ?? [];
      const waiting = next.length > 0 ? await otherSpokes(store, err) : [];
      if (waiting.length > 0)
        message += `; handed on to ${next.join(', ')} once ${waiting.join(', ')} delivered it too`;
      else if (next.length > 0 && stepped.records.length > 0) {
        await store.addInboxEvents(
          next.flatMap((name) =>
            stepped.records.map((r, i) => ({
              flow: name,
              eventId: `error-record:${id}:${err.attempts + 1}:${i}`,
              payload: handoffPayload(r),
              receivedAt: at,
            })),
          ),
        );
        handedOn = next;
        const handed = `handed on to ${next.join(', ')}`;
        message = flow.destinations.length > 0 ? `${message}, ${handed}` : handed;
      }
    }
  } catch (error) {
    failure = {
      stage: err.stage,
      stageIndex: err.stageIndex,
      record: createRecord(payload, { id: err.recordId }),
      error: error instanceof FlowError ? error : new FlowError('INTERNAL', String(error)),
    };
  } finally {
    abort.abort();
    await open.close();
  }
  const at = clock.now();
  const mask = flowMessageMask(project, flow);
  // hub-and-spoke: the steps passed and some destinations took the record, others did not. Like a
  // run, the record now waits at each failed destination only, so a later retry writes it there
  // alone and the others never get it twice: this record moves to the first, the rest get their own.
  const moved = !atDestination && spokes.length > 0 && spokes.length < flow.destinations.length;
  if (moved)
    await store.addErrors(
      spokes
        .slice(1)
        .map((f) => ({ ...toErrorRecord(f, flow.name, err.runId, at, mask), fingerprint: err.fingerprint ?? null })),
    );
  const spoke = moved ? spokes[0] : undefined;
  if (failure) {
    const masked = toErrorRecord(failure, flow.name, err.runId, at, mask);
    await store.updateError(id, {
      attempts: err.attempts + 1,
      ...(spoke
        ? { stage: spoke.stage, stageIndex: spoke.stageIndex, payload: spoke.record.data }
        : options.payload === undefined
          ? {}
          : { payload }),
      code: masked.code,
      message: masked.message,
      hint: masked.hint,
      updatedAt: at,
      history: { action: 'retry failed', message: `[${masked.code}] ${masked.message}` },
    });
  } else {
    await store.updateError(id, {
      status: 'retried',
      attempts: err.attempts + 1,
      ...(options.payload === undefined ? {} : { payload }),
      note: message,
      updatedAt: at,
      history: { action: 'retried', message: options.payload ? `${message} (edited payload)` : message },
    });
  }
  const updated = (await store.getError(id)) ?? err;
  deps.events?.publish({
    type: 'error.retried',
    flow: flow.name,
    at,
    errorId: id,
    runId: err.runId,
    recordId: err.recordId,
    stage: err.stage,
    ok: !failure,
    attempts: err.attempts + 1,
    ...(failure ? { code: updated.code } : {}),
    message: failure ? updated.message : message,
    handedOn,
  });
  return { id, ok: !failure, message: failure ? updated.message : message, record: updated, handedOn };
}

/**
 * Hub-and-spoke in a pipeline: the other destinations where the same record (same content) still
 * waits. The record is handed on by the retry that delivers it to the last of them, once.
 */
async function otherSpokes(store: StateStore, err: ErrorRecordRow): Promise<string[]> {
  const open = await store.listErrors({ flow: err.flow, recordId: err.recordId, status: 'open' });
  return open
    .filter((e) => e.id !== err.id && e.stage.startsWith('destination:') && e.fingerprint === err.fingerprint)
    .map((e) => e.stage.slice('destination:'.length));
}
