import type { FlowDefinition } from '../config/definition.js';
import {
  type Clock,
  type Context,
  createRecord,
  type DataRecord,
  type FlowError,
  type JsonObject,
  type Source,
  sameStage,
} from '../sdk/index.js';
import type { ErrorRecordRow, NewInboxEvent, StateStore } from '../store/state-store.js';
import { itemsOf } from './commit-item.js';
import type { MessageMask } from './message-mask.js';
import { markExported } from './once-mark.js';
import type { OpenFlow } from './open-flow.js';
import type { PageOutcome } from './page-outcome.js';
import type { RetryOutcome } from './retry-error-record.js';
import type { StageFailure } from './stage-failure.js';
import { handoffPayload } from './stage-source.js';
import { toErrorRecord } from './to-error-record.js';

/** An error record being retried, and the payload it is retried with. */
export interface RetriedRecord {
  readonly err: ErrorRecordRow;
  readonly payload: JsonObject;
}

export interface RetryCommitDeps {
  readonly store: StateStore;
  readonly clock: Clock;
  readonly mask: MessageMask;
  readonly flow: FlowDefinition;
  readonly source: Source;
  /** The flow as the retry opened it (its source's connection too in export mode `once`). */
  readonly open: OpenFlow;
  readonly ctx: Context;
}

/** What became of one retried record in its batch's outcome. */
interface Verdict {
  readonly r: RetriedRecord;
  /** Where it failed this time (the first failure), if it did. */
  readonly failure?: StageFailure;
  /** Hub-and-spoke: the destinations that refused it after the steps passed, each failure. */
  readonly spokes: readonly StageFailure[];
  readonly message: string;
}

/**
 * What a page commit keeps, for a retried batch: its commit items (export marks, the steps' state,
 * hand-offs to the next flows), while the flow is still open; the error records are updated after
 * it closed (`settleRetry`). A batch that failed as a whole (`outcome` an error) keeps nothing.
 */
export async function keepRetryItems(
  d: RetryCommitDeps,
  batch: readonly RetriedRecord[],
  outcome: PageOutcome | FlowError,
): Promise<{ verdicts: Verdict[]; handedOn: Map<number, readonly string[]>; notes: Map<number, string> }> {
  const verdicts = batch.map((r) => verdictOf(r, outcome));
  const handedOn = new Map<number, readonly string[]>();
  const notes = new Map<number, string>();
  if (!('items' in outcome)) return { verdicts, handedOn, notes };
  const at = d.clock.now();
  for (const mark of itemsOf(outcome.items, 'once-mark'))
    await markExported(d.flow, d.source, d.open, mark.records, d.ctx);
  // what a page commit keeps besides the records: the steps' state (dedupe keys) …
  for (const item of itemsOf(outcome.items, 'state'))
    for (const w of item.writes) if (w.entries.length > 0) await d.store.putState(w.namespace, w.entries, at);
  // … and, in a pipeline, the records handed on to the next stages (once per attempt: a crash before
  // the error record is marked retried hands the same event on again, which is refused as a repeat)
  const events: NewInboxEvent[] = [];
  for (const handoff of itemsOf(outcome.items, 'handoff')) {
    for (const v of verdicts) {
      if (v.failure) continue;
      const records = handoff.records.filter((x) => x.meta.id === v.r.err.recordId);
      if (records.length === 0) continue;
      const waiting = await otherSpokes(d.store, v.r.err);
      if (waiting.length > 0) {
        notes.set(v.r.err.id, `; handed on to ${handoff.flows.join(', ')} once ${waiting.join(', ')} delivered it too`);
        continue;
      }
      events.push(...handoffEvents(v.r.err, handoff.flows, records, at));
      handedOn.set(v.r.err.id, handoff.flows);
    }
  }
  if (events.length > 0) await d.store.addInboxEvents(events);
  // `ids` items (WriteResult.ids of the retried records) are not kept by a retry, as before: the
  // store keeps returned ids per run page; bi-directional sync's links will take them from here
  return { verdicts, handedOn, notes };
}

/**
 * Updates each retried error record: `retried` with what happened, or its attempt counted and its
 * message replaced. A record that failed at another stage than its own now waits there (as a run's
 * records do: hub-and-spoke, each refusing destination gets its own record), so its next retry starts
 * where it failed and the steps before (their state kept) never see it twice.
 */
export async function settleRetry(
  d: Pick<RetryCommitDeps, 'store' | 'clock' | 'mask' | 'flow'>,
  kept: Awaited<ReturnType<typeof keepRetryItems>>,
  edited: boolean,
): Promise<RetryOutcome[]> {
  const { store, flow, mask } = d;
  const out: RetryOutcome[] = [];
  for (const v of kept.verdicts) {
    const { err, payload } = v.r;
    const at = d.clock.now();
    const handedOn = kept.handedOn.get(err.id) ?? [];
    let message = `${v.message}${kept.notes.get(err.id) ?? ''}`;
    if (handedOn.length > 0) {
      const handed = `handed on to ${handedOn.join(', ')}`;
      message = flow.destinations.length > 0 ? `${message}, ${handed}` : handed;
    }
    const failure = v.failure;
    if (failure) {
      const moved = !sameStage(failure.stage, err.stage);
      if (moved && v.spokes.length > 1)
        await store.addErrors(
          v.spokes.slice(1).map((f) => ({
            ...toErrorRecord(f, flow.name, err.runId, at, mask),
            fingerprint: err.fingerprint ?? null,
          })),
        );
      const masked = toErrorRecord(failure, flow.name, err.runId, at, mask);
      await store.updateError(err.id, {
        attempts: err.attempts + 1,
        ...(moved ? { stage: failure.stage, payload: failure.record.data } : edited ? { payload } : {}),
        code: masked.code,
        message: masked.message,
        hint: masked.hint,
        updatedAt: at,
        history: { action: 'retry failed', message: `[${masked.code}] ${masked.message}` },
      });
    } else {
      await store.updateError(err.id, {
        status: 'retried',
        attempts: err.attempts + 1,
        ...(edited ? { payload } : {}),
        note: message,
        updatedAt: at,
        history: { action: 'retried', message: edited ? `${message} (edited payload)` : message },
      });
    }
    const updated = (await store.getError(err.id)) ?? err;
    out.push({ id: err.id, ok: !failure, message: failure ? updated.message : message, record: updated, handedOn });
  }
  return out;
}

/** One record's part of its batch's outcome: its first failure (a step's before a destination's), or what happened. */
function verdictOf(r: RetriedRecord, outcome: PageOutcome | FlowError): Verdict {
  if (!('items' in outcome)) {
    const record = createRecord(r.payload, { id: r.err.recordId });
    return { r, failure: { stage: r.err.stage, record, error: outcome }, spokes: [], message: outcome.message };
  }
  const mine = outcome.failures.filter((f) => f.record.meta.id === r.err.recordId);
  const spokes = mine.filter((f) => f.stage.kind === 'destination');
  const failure = mine.find((f) => f.stage.kind !== 'destination') ?? spokes[0];
  const dropped = outcome.dropped.get(r.err.recordId);
  return {
    r,
    ...(failure ? { failure } : {}),
    spokes: failure?.stage.kind === 'destination' ? spokes : [],
    message: dropped ? `dropped by step ${dropped}` : 'delivered',
  };
}

/** The inbox events of a retried record handed on: ids by record and attempt, so a repeat is refused. */
function handoffEvents(
  err: ErrorRecordRow,
  flows: readonly string[],
  records: readonly DataRecord[],
  at: Date,
): NewInboxEvent[] {
  return flows.flatMap((name) =>
    records.map((r, i) => ({
      flow: name,
      eventId: `error-record:${err.id}:${err.attempts + 1}:${i}`,
      payload: handoffPayload(r),
      receivedAt: at,
    })),
  );
}

/**
 * Hub-and-spoke in a pipeline: the other destinations where the same record (same content) still
 * waits. The record is handed on by the retry that delivers it to the last of them, once.
 */
async function otherSpokes(store: StateStore, err: ErrorRecordRow): Promise<string[]> {
  const open = await store.listErrors({ flow: err.flow, recordId: err.recordId, status: 'open' });
  return open.flatMap((e) =>
    e.id !== err.id && e.stage.kind === 'destination' && e.fingerprint === err.fingerprint ? [e.stage.name] : [],
  );
}
