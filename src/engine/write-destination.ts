import PQueue from 'p-queue';
import {
  type Context,
  type DataRecord,
  FlowError,
  isFlowError,
  type Stage,
  toFlowError,
  type WriteBatch,
} from '../sdk/index.js';
import type { ReturnedId, StageCounts } from '../store/state-store.js';
import { withTimeout } from './call-timeout.js';
import type { OpenDestination } from './open-flow.js';
import type { StageFailure } from './stage-failure.js';

export interface DestinationResult {
  counts: StageCounts;
  failures: StageFailure[];
  /** The ids the destination returned for written records (WriteResult.ids), in record order. */
  ids: ReturnedId[];
}

/**
 * Writes records to one destination in batches of `batch.size`. Transient batch failures are
 * retried under the policy; a batch error of kind `record` fails that batch's records only;
 * config/system errors propagate and fail the run (the page's checkpoint is not committed). A
 * destination that is down (retries spent, or its circuit open) pauses the run, or, with
 * `onOutage: isolate` (the default of a flow with several destinations), fails that batch's records
 * only, as transient error records of this destination: the other destinations and the page go on.
 */
export async function writeDestination(
  dest: OpenDestination,
  records: readonly DataRecord[],
  ctx: Context,
  pageKey?: string,
): Promise<DestinationResult> {
  const started = performance.now();
  const counts: StageCounts = { in: records.length, out: 0, failed: 0, skipped: 0 };
  const stage: Stage = { kind: 'destination', name: dest.def.name };
  const size = Math.max(1, dest.def.batch.size);
  const batches: (readonly DataRecord[])[] = [];
  for (let start = 0; start < records.length; start += size) {
    batches.push(start === 0 && records.length <= size ? records : records.slice(start, start + size));
  }
  // each batch's identity, stable across a crash: destination, page, range (page markers, exactly-once)
  const keyOf = (i: number): WriteBatch | undefined =>
    pageKey === undefined
      ? undefined
      : { key: `${dest.def.name}|${pageKey}|${i * size}+${(batches[i] as readonly DataRecord[]).length}` };
  const results: StageFailure[][] = [];
  const ids: ReturnedId[][] = [];
  if (dest.def.batch.parallel && batches.length > 1) {
    // batches at once, failures kept in batch order so that the error store reads like the source
    const queue = new PQueue({ concurrency: dest.def.batch.maxParallel ?? 4 });
    await Promise.all(
      batches.map((batch, i) =>
        queue.add(async () => {
          const returned: ReturnedId[] = [];
          ids[i] = returned;
          results[i] = await writeBatch(dest, stage, batch, counts, returned, ctx, keyOf(i));
        }),
      ),
    );
  } else {
    for (const [i, batch] of batches.entries()) {
      const returned: ReturnedId[] = [];
      ids.push(returned);
      results.push(await writeBatch(dest, stage, batch, counts, returned, ctx, keyOf(i)));
    }
  }
  counts.ms = performance.now() - started;
  const returned = ids.flat();
  if (returned.length > 0) counts.ids = returned.length;
  return { counts, failures: results.flat(), ids: returned };
}

const isOutage = (e: unknown) => isFlowError(e) && e.kind === 'transient';

/** What one batch's write calls went through: the last transient failure (the outage behind an open circuit). */
interface BatchTrace {
  outage?: FlowError;
}

/**
 * The write under the retry policy, inside the connection's circuit breaker. With `onOutage: pause`
 * a batch waits while the circuit is open (no page is pulled meanwhile); past the breaker's
 * `maxWait` the run ends as paused, its checkpoint kept. With `onOutage: isolate` (hub-and-spoke) an
 * open circuit fails the batch at once with CIRCUIT_OPEN, without spending the retry schedule, and
 * the caller keeps its records as error records; only a half-open circuit whose probes are out is
 * waited for, as its answer is near.
 */
async function writeThroughBreaker(
  dest: OpenDestination,
  batch: readonly DataRecord[],
  trace: BatchTrace,
  ctx: Context,
  id: WriteBatch | undefined,
) {
  const guarded = dest.breaker;
  const timed = async () => {
    try {
      return await withTimeout(
        ctx.clock,
        dest.writeTimeoutMs,
        `writing ${batch.length} records to destination ${dest.def.name}`,
        () => (id === undefined ? dest.writer.write(batch, ctx) : dest.writer.write(batch, ctx, id)),
      );
    } catch (error) {
      if (isOutage(error)) trace.outage = error as FlowError;
      throw error;
    }
  };
  // the bulkhead's queue is not part of the call's time limit
  const bulk = dest.bulkhead;
  const write = bulk ? () => bulk.execute(timed) : timed;
  if (!guarded) return dest.policy.execute(write, ctx.signal);
  const isolate = dest.onOutage === 'isolate';
  let deadline: number | undefined;
  for (;;) {
    try {
      return await dest.policy.execute(() => guarded.breaker.execute(write, isOutage), ctx.signal);
    } catch (error) {
      // refused by the open circuit, or the retries ran out while the circuit opened: wait for it
      const state = guarded.breaker.current();
      const waitable = isFlowError(error) && (error.code === 'CIRCUIT_OPEN' || (isOutage(error) && state !== 'closed'));
      if (!waitable || (isolate && state === 'open')) throw error;
      const now = ctx.clock.now().getTime();
      deadline ??= now + guarded.maxWaitMs;
      const until = Math.max(guarded.breaker.retryAt().getTime(), now + 50);
      if (until > deadline) {
        if (isolate) throw error;
        const waited = Math.round((now - (deadline - guarded.maxWaitMs)) / 1000);
        const cause = trace.outage ? ` after ${trace.outage.message}` : '';
        throw new FlowError(
          'PAUSED',
          `the circuit of connection ${guarded.breaker.name} is open until ${guarded.breaker.retryAt().toISOString()}${cause}; waited ${waited}s and it would not close within the breaker's maxWait (${Math.round(guarded.maxWaitMs / 1000)}s), so the run pauses with its checkpoint kept`,
          { where: `flow ${ctx.flow}/destination ${dest.def.name}`, cause: trace.outage ?? error },
        );
      }
      await ctx.clock.sleep(until - now, ctx.signal);
    }
  }
}

/**
 * Hub-and-spoke: the error of each record of a batch a spoke could not take. Its code is the
 * outage's (the transient failure after the retries; CIRCUIT_OPEN when the circuit refused the batch
 * before any call), its kind transient, so that the automatic retry and `errors retry` pick it up.
 */
export function spokeUnavailable(
  dest: OpenDestination,
  records: number,
  error: FlowError,
  outage: FlowError | undefined,
  ctx: Context,
): FlowError {
  const cause = outage ?? error;
  const said = (e: FlowError) => (e.where ? `${e.where}: ${e.message}` : e.message);
  const circuit = error.code === 'CIRCUIT_OPEN' ? error.message : undefined;
  const why =
    outage === undefined
      ? `${circuit ?? said(error)}, so the batch was not sent`
      : `${said(outage)} (${circuit ? `after retrying, and then ${circuit}` : 'after its retries'})`;
  const where = `flow ${ctx.flow}/destination ${dest.def.name}`;
  return new FlowError(
    cause.code,
    `the destination is unavailable: ${why}; its ${records} record${records === 1 ? '' : 's'} of this batch are kept as error records of this destination, to be retried there once it is back (the other destinations go on)`,
    {
      kind: 'transient',
      where,
      cause,
      // only `syncline serve` retries on its own, and only when the flow's autoRetry is not off
      hint: dest.autoRetry
        ? "While the service runs, it retries them on the flow's autoRetry schedule (nothing else retries them on its own); to retry them now, once the destination is back, retry this destination's error records."
        : "The flow's autoRetry is off, so nothing retries them on its own: once the destination is back, retry this destination's error records.",
      next: [{ action: 'errors.retry', filter: { flow: ctx.flow, destination: dest.def.name } }],
    },
  );
}

/**
 * One write call under the destination's retry policy; the records that failed, the counts updated,
 * and the ids the destination returned for written records pushed to `ids`.
 */
async function writeBatch(
  dest: OpenDestination,
  stage: Stage,
  batch: readonly DataRecord[],
  counts: StageCounts,
  ids: ReturnedId[],
  ctx: Context,
  id?: WriteBatch,
): Promise<StageFailure[]> {
  const failures: StageFailure[] = [];
  const trace: BatchTrace = {};
  try {
    const result = await writeThroughBreaker(dest, batch, trace, ctx, id);
    for (const r of result.rejected) {
      const record = batch[r.index];
      if (record) failures.push({ stage, record, error: r.error });
    }
    const refused = new Set(result.rejected.map((r) => r.index));
    result.ids?.forEach((returnedId, i) => {
      const record = batch[i];
      if (returnedId === undefined || returnedId === '' || record === undefined || refused.has(i)) return;
      ids.push({ destination: dest.def.name, recordId: record.meta.id, recordKey: record.key, id: returnedId });
    });
    const skipped = result.skipped ?? 0;
    const already = result.alreadyWritten ?? 0;
    counts.failed += result.rejected.length;
    counts.skipped += skipped;
    if (already > 0) {
      counts.alreadyWritten = (counts.alreadyWritten ?? 0) + already;
      ctx.log.info(
        { destination: dest.def.name, records: already },
        `destination ${dest.def.name}: ${already} records of this batch were already written before the run was interrupted (page marker found), not written again`,
      );
    }
    counts.out += result.written ?? batch.length - result.rejected.length - skipped - already;
  } catch (error) {
    const e = toFlowError(error, `flow ${ctx.flow}/destination ${dest.def.name}`);
    if (e.kind === 'transient' && dest.onOutage === 'isolate' && !ctx.signal.aborted) {
      // a spoke that is down holds no other: its records move aside, the page goes on
      const down = spokeUnavailable(dest, batch.length, e, trace.outage, ctx);
      ctx.log.warn(
        { destination: dest.def.name, records: batch.length, code: down.code },
        `destination ${dest.def.name} is unavailable: ${batch.length} records kept as error records`,
      );
      for (const record of batch) failures.push({ stage, record, error: down });
      counts.failed += batch.length;
      return failures;
    }
    if (e.kind !== 'record') {
      throw e.where === undefined
        ? new FlowError(e.code, e.message, {
            kind: e.kind,
            where: `flow ${ctx.flow}/destination ${dest.def.name}`,
            cause: e,
            ...(e.hint === undefined ? {} : { hint: e.hint }),
            ...(e.next === undefined ? {} : { next: e.next }),
          })
        : e;
    }
    for (const record of batch) failures.push({ stage, record, error: e });
    counts.failed += batch.length;
  }
  return failures;
}
