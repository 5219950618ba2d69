import {
  type Context,
  type DataRecord,
  type FlushResult,
  type ProcessResult,
  type StateWrite,
  toFlowError,
} from '../sdk/index.js';
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
  /** Flushing a page at a time: a buffering step holds more records; call again with the same progress. */
  more: boolean;
}

/** The end-of-run flush, a page per call: the indexes of the buffering steps that have emitted everything. */
export interface FlushProgress {
  readonly finished: Set<number>;
}

/**
 * Runs a batch through the steps in order. A processor that throws fails the whole batch at
 * that step as record errors only when the error is of kind `record`; otherwise it propagates.
 * `flush: true` empties every buffering step into this one result (previews, retries);
 * `flush: progress` takes one page from the first buffering step that still holds records (the
 * steps after it process that page but are not flushed yet), and says in `more` whether to call again.
 */
export async function applySteps(
  steps: readonly OpenStep[],
  input: readonly DataRecord[],
  ctx: Context,
  options: { trackDropped?: boolean; flush?: boolean | FlushProgress } = {},
): Promise<StepsResult> {
  let records: readonly DataRecord[] = input;
  const failures: StageFailure[] = [];
  const counts = new Map<string, StageCounts>();
  const dropped = new Map<string, string>();
  const commit: StateWrite[] = [];
  let holding = false; // an earlier buffering step still holds records: the later ones wait with their flush
  for (const { def, index, processor } of steps) {
    const entering = records;
    const started = performance.now();
    let result: ProcessResult;
    try {
      result = await processor.process(entering, ctx);
      const progress = options.flush;
      if (progress && processor.flush && !holding && (progress === true || !progress.finished.has(index))) {
        let tail: FlushResult;
        do {
          tail = await processor.flush(ctx);
          result = {
            records: [...result.records, ...tail.records],
            failed: [...result.failed, ...tail.failed],
            ...mergeExtras(result, tail),
          };
        } while (progress === true && tail.more === true);
        if (progress !== true) {
          if (tail.more === true) holding = true;
          else progress.finished.add(index);
        }
      }
    } catch (error) {
      const e = toFlowError(error, `flow ${ctx.flow}/step ${def.name}`);
      if (e.kind !== 'record') throw e;
      result = { records: [], failed: entering.map((record) => ({ record, error: e })) };
    }
    for (const f of result.failed)
      failures.push({ stage: { kind: 'step', name: def.name, index }, record: f.record, error: f.error });
    // a buffering step holds what it does not pass on: that is not skipping
    const skipped = processor.flush ? 0 : Math.max(0, entering.length - result.records.length - result.failed.length);
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
  return { records: records as DataRecord[], failures, counts, dropped, commit, more: holding };
}

/** The stats and state writes of a step's process and flush calls, together. */
function mergeExtras(a: ProcessResult, b: ProcessResult): Pick<ProcessResult, 'stats' | 'commit'> {
  const stats = a.stats || b.stats ? addStats(a.stats ? { ...a.stats } : undefined, b.stats ?? {}) : undefined;
  const commit = [...(a.commit ?? []), ...(b.commit ?? [])];
  return { ...(stats ? { stats } : {}), ...(commit.length > 0 ? { commit } : {}) };
}
