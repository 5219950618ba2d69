import PQueue from 'p-queue';
import { type Context, type DataRecord, FlowError, isFlowError, toFlowError } from '../sdk/index.js';
import type { StageCounts } from '../store/state-store.js';
import { withTimeout } from './call-timeout.js';
import type { OpenDestination } from './open-flow.js';
import type { StageFailure } from './stage-failure.js';

export interface DestinationResult {
  counts: StageCounts;
  failures: StageFailure[];
}

/**
 * Writes records to one destination in batches of `batch.size`. Transient batch failures are
 * retried under the policy; a batch error of kind `record` fails that batch's records only;
 * config/system errors propagate and fail the run (the page's checkpoint is not committed).
 */
export async function writeDestination(
  dest: OpenDestination,
  stageIndex: number,
  records: readonly DataRecord[],
  ctx: Context,
): Promise<DestinationResult> {
  const started = performance.now();
  const counts: StageCounts = { in: records.length, out: 0, failed: 0, skipped: 0 };
  const stage = `destination:${dest.def.name}`;
  const size = Math.max(1, dest.def.batch.size);
  const batches: (readonly DataRecord[])[] = [];
  for (let start = 0; start < records.length; start += size) {
    batches.push(start === 0 && records.length <= size ? records : records.slice(start, start + size));
  }
  const results: StageFailure[][] = [];
  if (dest.def.batch.parallel && batches.length > 1) {
    // batches at once, failures kept in batch order so that the error store reads like the source
    const queue = new PQueue({ concurrency: dest.def.batch.maxParallel ?? 4 });
    await Promise.all(
      batches.map((batch, i) =>
        queue.add(async () => {
          results[i] = await writeBatch(dest, stage, stageIndex, batch, counts, ctx);
        }),
      ),
    );
  } else {
    for (const batch of batches) results.push(await writeBatch(dest, stage, stageIndex, batch, counts, ctx));
  }
  counts.ms = performance.now() - started;
  return { counts, failures: results.flat() };
}

const isOutage = (e: unknown) => isFlowError(e) && e.kind === 'transient';

/**
 * The write under the retry policy, inside the connection's circuit breaker. While the circuit is
 * open the batch waits for it (no page is pulled meanwhile); past the breaker's `maxWait` the run
 * ends as paused, its checkpoint kept.
 */
async function writeThroughBreaker(dest: OpenDestination, batch: readonly DataRecord[], ctx: Context) {
  const guarded = dest.breaker;
  const timed = () =>
    withTimeout(dest.writeTimeoutMs, `writing ${batch.length} records to destination ${dest.def.name}`, () =>
      dest.writer.write(batch, ctx),
    );
  // the bulkhead's queue is not part of the call's time limit
  const bulk = dest.bulkhead;
  const write = bulk ? () => bulk.execute(timed) : timed;
  if (!guarded) return dest.policy.execute(write, ctx.signal);
  let deadline: number | undefined;
  let outage: FlowError | undefined; // the failure that opened the circuit, for the message
  for (;;) {
    try {
      return await dest.policy.execute(() => guarded.breaker.execute(write, isOutage), ctx.signal);
    } catch (error) {
      // refused by the open circuit, or the retries ran out while the circuit opened: wait for it
      const waitable =
        isFlowError(error) &&
        (error.code === 'CIRCUIT_OPEN' || (isOutage(error) && guarded.breaker.current() !== 'closed'));
      if (!waitable) throw error;
      if (error.code !== 'CIRCUIT_OPEN') outage = error;
      const now = ctx.clock.now().getTime();
      deadline ??= now + guarded.maxWaitMs;
      const until = Math.max(guarded.breaker.retryAt().getTime(), now + 50);
      if (until > deadline) {
        const waited = Math.round((now - (deadline - guarded.maxWaitMs)) / 1000);
        const cause = outage ? ` after ${outage.message}` : '';
        throw new FlowError(
          'PAUSED',
          `the circuit of connection ${guarded.breaker.name} is open until ${guarded.breaker.retryAt().toISOString()}${cause}; waited ${waited}s and it would not close within the breaker's maxWait (${Math.round(guarded.maxWaitMs / 1000)}s), so the run pauses with its checkpoint kept`,
          { where: `flow ${ctx.flow}/destination ${dest.def.name}`, cause: outage ?? error },
        );
      }
      await ctx.clock.sleep(until - now, ctx.signal);
    }
  }
}

/** One write call under the destination's retry policy; the records that failed, and the counts updated. */
async function writeBatch(
  dest: OpenDestination,
  stage: string,
  stageIndex: number,
  batch: readonly DataRecord[],
  counts: StageCounts,
  ctx: Context,
): Promise<StageFailure[]> {
  const failures: StageFailure[] = [];
  try {
    const result = await writeThroughBreaker(dest, batch, ctx);
    for (const r of result.rejected) {
      const record = batch[r.index];
      if (record) failures.push({ stage, stageIndex, record, error: r.error });
    }
    const skipped = result.skipped ?? 0;
    counts.failed += result.rejected.length;
    counts.skipped += skipped;
    counts.out += result.written ?? batch.length - result.rejected.length - skipped;
  } catch (error) {
    const e = toFlowError(error, `flow ${ctx.flow}/destination ${dest.def.name}`);
    if (e.kind !== 'record') {
      throw e.where === undefined
        ? new FlowError(e.code, e.message, {
            kind: e.kind,
            where: `flow ${ctx.flow}/destination ${dest.def.name}`,
            cause: e,
            ...(e.hint === undefined ? {} : { hint: e.hint }),
          })
        : e;
    }
    for (const record of batch) failures.push({ stage, stageIndex, record, error: e });
    counts.failed += batch.length;
  }
  return failures;
}
