import type { FlowDefinition } from '../config/definition.js';
import type { Context, DataRecord, Json, Page } from '../sdk/index.js';
import type { RunCounts } from '../store/state-store.js';
import { applySteps, type FlushProgress } from './apply-steps.js';
import type { CommitItem } from './commit-item.js';
import { WATERMARK_SOURCE } from './delta-sync.js';
import type { OpenFlow } from './open-flow.js';
import { addStage, emptyCounts } from './run-counts.js';
import type { StageFailure } from './stage-failure.js';
import { writeDestination } from './write-destination.js';

/** What one page (or one batch of retried error records) came to, to be folded into its run and committed. */
export interface PageOutcome {
  /** The records as the source gave them (the retried records, for a retry). */
  readonly input: readonly DataRecord[];
  /** The records that came out of the steps (and went to the destinations, where some may have failed). */
  readonly records: readonly DataRecord[];
  /** Every record that failed, at any stage, in the order they failed. */
  readonly failures: readonly StageFailure[];
  /** The page's own counts (read, written, skipped, failed, per step and destination, handed on). */
  readonly tally: RunCounts;
  /** Delta sync: records the delta check left out as unchanged. */
  readonly unchanged: number;
  /** What the commit keeps besides records, errors and counts (commit-item.ts). */
  readonly items: readonly CommitItem[];
  /** With `trackDropped`: each record a step dropped, and that step's name. */
  readonly dropped: ReadonlyMap<string, string>;
  /** Flushing a page at a time: a buffering step holds more records (another flush page follows). */
  readonly more: boolean;
  /** `performance.now()` when the page was taken. */
  readonly started: number;
}

/** The parts of a flow a page goes through: its opened steps and destinations, and what it hands on. */
export interface PagePipeline {
  readonly flow: FlowDefinition;
  /** Opened for the run (every step and destination), a retry (from a stage on) or a preview (no destinations). */
  readonly open: OpenFlow;
  readonly ctx: Context;
  /** Delta sync: checks each page's records before the steps and gives the watermark state to commit. */
  readonly delta?: {
    admit(records: readonly DataRecord[]): { records: DataRecord[]; failures: StageFailure[]; skipped: number };
    pending(): Json;
  };
  /** Export mode `once` with a source that marks: the delivered source records become a `once-mark` item. */
  readonly once?: boolean;
}

export interface RunPageOptions {
  /** `true` empties every buffering step into this outcome (preview, retry); progress: one flush page. */
  readonly flush?: FlushProgress | true;
  /** Note which step dropped which record (`dropped`). */
  readonly trackDropped?: boolean;
  /**
   * Called once the steps ran, before the first destination write: waits until the page may be
   * written (a window of pages in flight) and gives the page's key for exactly-once batch markers.
   */
  readonly beforeWrite?: (more: boolean) => Promise<string | undefined>;
}

/**
 * Runs one page through the flow: the source's failures, the delta check, the steps, then every
 * destination at once. Run, preview and error retry all take records through here.
 */
export async function runPage(p: PagePipeline, page: Page, options: RunPageOptions = {}): Promise<PageOutcome> {
  const started = performance.now();
  const { flow, open, ctx } = p;
  const tally = emptyCounts(
    flow.steps.map((s) => s.name),
    flow.destinations.map((d) => d.name),
  );
  const failures: StageFailure[] = (page.failed ?? []).map((f) => ({
    stage: { kind: 'source' },
    record: f.record,
    error: f.error,
  }));
  tally.read = page.records.length + failures.length;
  const items: CommitItem[] = [];
  let records = page.records;
  let unchanged = 0;
  if (p.delta) {
    const admitted = p.delta.admit(records);
    records = admitted.records;
    failures.push(...admitted.failures);
    tally.skipped += admitted.skipped;
    unchanged = admitted.skipped;
    items.push({ kind: 'watermark', source: WATERMARK_SOURCE, value: p.delta.pending() });
  }
  const stepped = await applySteps(open.steps, records, ctx, {
    ...(options.flush ? { flush: options.flush } : {}),
    ...(options.trackDropped ? { trackDropped: true } : {}),
  });
  for (const [name, c] of stepped.counts) {
    addStage(tally.steps, name, c);
    tally.skipped += c.skipped;
  }
  failures.push(...stepped.failures);
  if (stepped.commit.length > 0) items.push({ kind: 'state', writes: stepped.commit });

  const key = options.beforeWrite ? await options.beforeWrite(stepped.more) : undefined;
  const written = await Promise.all(open.destinations.map((d) => writeDestination(d, stepped.records, ctx, key)));
  const ids = written.flatMap((w) => w.ids);
  written.forEach((w, i) => {
    addStage(tally.destinations, open.destinations[i]?.def.name ?? '', w.counts);
    tally.written += w.counts.out;
    tally.skipped += w.counts.skipped;
    if (w.counts.alreadyWritten) tally.alreadyWritten = (tally.alreadyWritten ?? 0) + w.counts.alreadyWritten;
    failures.push(...w.failures);
  });
  tally.failed = failures.length;
  if (ids.length > 0) items.push({ kind: 'ids', ids });

  const failed = new Set(failures.map((f) => f.record.meta.id));
  if (flow.next && flow.next.length > 0) {
    const handed = stepped.records.filter((r) => !failed.has(r.meta.id));
    tally.handedOn = handed.length;
    items.push({ kind: 'handoff', flows: flow.next, records: handed });
  }
  if (p.once) items.push({ kind: 'once-mark', records: page.records.filter((r) => !failed.has(r.meta.id)) });
  return {
    input: page.records,
    records: stepped.records,
    failures,
    tally,
    unchanged,
    items,
    dropped: stepped.dropped,
    more: stepped.more,
    started,
  };
}
