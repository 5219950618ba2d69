import type { RetryPolicy } from 'cockatiel';
import { type Context, type DataRecord, FlowError, toFlowError } from '../sdk/index.js';
import type { StageCounts } from '../store/state-store.js';
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
  policy: RetryPolicy,
  ctx: Context,
): Promise<DestinationResult> {
  const started = performance.now();
  const counts: StageCounts = { in: records.length, out: 0, failed: 0, skipped: 0 };
  const failures: StageFailure[] = [];
  const stage = `destination:${dest.def.name}`;
  const size = Math.max(1, dest.def.batch.size);
  for (let start = 0; start < records.length; start += size) {
    const batch = start === 0 && records.length <= size ? records : records.slice(start, start + size);
    try {
      const result = await policy.execute(() => dest.writer.write(batch, ctx), ctx.signal);
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
  }
  counts.ms = performance.now() - started;
  return { counts, failures };
}
