import type { Clock, Context, Page } from '../sdk/index.js';
import type { FlowDefinition } from '../spec/definition.js';
import type { NewErrorRecord, RunCounts, StateStore } from '../store/state-store.js';
import { applySteps } from './apply-steps.js';
import type { OpenFlow } from './open-flow.js';
import { addStage, cloneCounts } from './run-counts.js';
import type { StageFailure } from './stage-failure.js';
import { toErrorRecord } from './to-error-record.js';
import { writeDestination } from './write-destination.js';

export interface PageHandlerDeps {
  readonly open: OpenFlow;
  readonly flow: FlowDefinition;
  readonly runId: number;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly ctx: Context;
  /** Told about the error records of each page once they are committed (notifications). */
  readonly onErrors?: (errors: readonly NewErrorRecord[]) => void;
  /** Mutated: the run's running totals. */
  readonly counts: RunCounts;
}

export interface PageHandler {
  /** Steps → every destination → one atomic commit of page row, error records, counts and checkpoint. */
  handle(page: Page, options?: { flush?: boolean }): Promise<void>;
  /** Pages committed so far. */
  readonly pages: number;
}

/**
 * Handles the pages of one run, in order. While a buffering step (one with `flush`) holds records,
 * checkpoints are withheld: they are committed with the final, flushed page.
 */
export function createPageHandler(d: PageHandlerDeps): PageHandler {
  const { open, flow, ctx, counts } = d;
  const buffering = open.steps.some((s) => s.processor.flush !== undefined);
  let pages = 0;
  return {
    get pages() {
      return pages;
    },
    async handle(page, options = {}) {
      const flush = options.flush === true;
      const t0 = performance.now();
      const failures: StageFailure[] = (page.failed ?? []).map((f) => ({
        stage: 'source',
        stageIndex: -1,
        record: f.record,
        error: f.error,
      }));
      const read = page.records.length + failures.length;
      const stepped = await applySteps(open.steps, page.records, ctx, { flush });
      for (const [name, c] of stepped.counts) {
        addStage(counts.steps, name, c);
        counts.skipped += c.skipped;
      }
      failures.push(...stepped.failures);
      const written = await Promise.all(
        open.destinations.map((dest) => writeDestination(dest, flow.steps.length, stepped.records, ctx)),
      );
      written.forEach((w, i) => {
        addStage(counts.destinations, open.destinations[i]?.def.name ?? '', w.counts);
        counts.written += w.counts.out;
        counts.skipped += w.counts.skipped;
        failures.push(...w.failures);
      });
      counts.read += read;
      counts.failed += failures.length;
      pages += 1;
      const at = d.clock.now();
      const errors = failures.map((f) => toErrorRecord(f, flow.name, d.runId, at));
      await d.store.commitPage({
        runId: d.runId,
        flow: flow.name,
        seq: pages,
        checkpoint: buffering && !flush ? undefined : page.checkpoint,
        records: read,
        failed: failures.length,
        durationMs: Math.round(performance.now() - t0),
        counts: cloneCounts(counts),
        errors,
        at,
      });
      if (errors.length > 0) d.onErrors?.(errors);
    },
  };
}
