import { type Context, type DataRecord, type ProcessResult, type StateWrite, toFlowError } from '../sdk/index.js';
import type { StageCounts } from '../store/state-store.js';
import type { OpenStep } from './open-flow.js';
import { addStats } from './run-counts.js';
import type { StageFailure } from './stage-failure.js';

export interface StepsResult {
  records: DataRecord[];
  failures: StageFailure[];
  /** Tally per step name for this batch. */
  counts: Map<string, StageCounts>;
  /** For preview: the id of each dropped record and the step that dropped it. */
  dropped: Map<string, string>;
  /** The steps' state writes, to commit with the page. */
  commit: StateWrite[];
}

/**
 * Runs a batch through the steps in order. A processor that throws fails the whole batch at
 * that step as record errors only when the error is of kind `record`; otherwise it propagates.
 */
export async function applySteps(
  steps: readonly OpenStep[],
  input: readonly DataRecord[],
  ctx: Context,
  options: { trackDropped?: boolean; flush?: boolean } = {},
): Promise<StepsResult> {
  let records: readonly DataRecord[] = input;
  const failures: StageFailure[] = [];
  const counts = new Map<string, StageCounts>();
  const dropped = new Map<string, string>();
  const commit: StateWrite[] = [];
  for (const { def, index, processor } of steps) {
    const entering = records;
    const started = performance.now();
    let result: ProcessResult;
    try {
      result = await processor.process(entering, ctx);
      if (options.flush && processor.flush) {
        const tail = await processor.flush(ctx);
        result = {
          records: [...result.records, ...tail.records],
          failed: [...result.failed, ...tail.failed],
          ...mergeExtras(result, tail),
        };
      }
    } catch (error) {
      const e = toFlowError(error, `flow ${ctx.flow}/step ${def.name}`);
      if (e.kind !== 'record') throw e;
      result = { records: [], failed: entering.map((record) => ({ record, error: e })) };
    }
    for (const f of result.failed)
      failures.push({ stage: `step:${def.name}`, stageIndex: index, record: f.record, error: f.error });
    const skipped = Math.max(0, entering.length - result.records.length - result.failed.length);
    const ms = performance.now() - started;
    counts.set(def.name, {
      in: entering.length,
      out: result.records.length,
      failed: result.failed.length,
      skipped,
      ms,
      ...(result.stats ? { stats: { ...result.stats } } : {}),
    });
    if (result.commit) commit.push(...result.commit);
    if (options.trackDropped && skipped > 0) {
      const kept = new Set(result.records.map((r) => r.meta.id));
      const failed = new Set(result.failed.map((f) => f.record.meta.id));
      for (const r of entering) if (!kept.has(r.meta.id) && !failed.has(r.meta.id)) dropped.set(r.meta.id, def.name);
    }
    records = result.records;
  }
  return { records: records as DataRecord[], failures, counts, dropped, commit };
}

/** The stats and state writes of a step's process and flush calls, together. */
function mergeExtras(a: ProcessResult, b: ProcessResult): Pick<ProcessResult, 'stats' | 'commit'> {
  const stats = a.stats || b.stats ? addStats(a.stats ? { ...a.stats } : undefined, b.stats ?? {}) : undefined;
  const commit = [...(a.commit ?? []), ...(b.commit ?? [])];
  return { ...(stats ? { stats } : {}), ...(commit.length > 0 ? { commit } : {}) };
}
