import type { FlowDefinition } from '../config/definition.js';
import type { Clock, Context, DataRecord, Json, Page, StateWrite } from '../sdk/index.js';
import type { Lease, ReturnedId, RunCounts, StateStore } from '../store/state-store.js';
import { applySteps, type FlushProgress } from './apply-steps.js';
import { WATERMARK_SOURCE } from './delta-sync.js';
import type { ErrorTally } from './error-threshold.js';
import type { MessageMask } from './message-mask.js';
import type { OpenFlow } from './open-flow.js';
import { publishPage } from './publish-page.js';
import { addStage, cloneCounts, emptyCounts } from './run-counts.js';
import type { RunEventPublisher } from './run-events.js';
import type { StageFailure } from './stage-failure.js';
import { handoffPayload } from './stage-source.js';
import { toErrorRecord } from './to-error-record.js';
import { writeDestination } from './write-destination.js';

export interface PageHandlerDeps {
  readonly open: OpenFlow;
  readonly flow: FlowDefinition;
  readonly runId: number;
  readonly store: StateStore;
  readonly clock: Clock;
  readonly ctx: Context;
  /** Masks secrets and the records' PII in the error records' messages. */
  readonly mask: MessageMask;
  /** Counts each committed page's error records against the run's error threshold. */
  readonly tally?: ErrorTally;
  /** Where each committed page is published (record.failed for its error records, then page.committed). */
  readonly events?: RunEventPublisher;
  /** The run's lease: renewed before each page's destination writes (none once it is lost) and fenced in its commit. */
  readonly lease?: Lease;
  /** Mutated: the run's running totals (each page's tally is added when the page commits, in order). */
  readonly counts: RunCounts;
  /**
   * Pages whose destination writes may be in flight at once (flow `concurrency.pages`, default 1).
   * With 1, pages are written one after another, while the next page is read and transformed.
   */
  readonly pagesInFlight?: number;
  /** Delta sync: checks each page's records before the steps, and gives the watermark state to commit with it. */
  readonly delta?: {
    admit(records: Page['records']): { records: DataRecord[]; failures: StageFailure[]; skipped: number };
    pending(): Json;
  };
  /**
   * Where this run's pages are counted from (see page-anchor.ts): the position of the committed
   * checkpoint the run resumes from. Each page gets the key `anchor#index`, moved on by every page
   * that commits a checkpoint, so a page read again after a crash gets the key it had before.
   */
  readonly pageAnchor?: string;
  /** After a page committed: its source records, and the ids of those that failed (export mode `once`). */
  readonly afterCommit?: (page: Page, failedIds: ReadonlySet<string>) => Promise<void>;
}

export interface PageHandler {
  /**
   * Takes the next page: runs its steps now, then starts its destination writes once the page
   * `pagesInFlight` before it has committed, and commits it (page row, error records, counts,
   * checkpoint, atomically) after every earlier page. Resolves when the page is accepted into the
   * pipeline; a failure of any page rejects a later `handle` or `drain`.
   * With `flush`, the buffering steps are emptied: one page at a time while a step says it holds
   * more, the checkpoint going with the last one.
   */
  handle(page: Page, options?: { flush?: boolean }): Promise<void>;
  /** Waits until every accepted page is committed; rejects with the first failure. */
  drain(): Promise<void>;
  /** Pages committed so far. */
  readonly pages: number;
}

interface Prepared {
  readonly page: Page;
  /** The last page of the end-of-run flush: it commits the withheld checkpoint. */
  readonly flush: boolean;
  /** A buffering step holds more records: another flush page follows. */
  readonly more: boolean;
  readonly started: number;
  readonly tally: RunCounts;
  readonly failures: StageFailure[];
  readonly records: Awaited<ReturnType<typeof applySteps>>['records'];
  readonly commit: StateWrite[];
  readonly watermark: Json | undefined;
  /** Ids the destinations returned for written records. */
  readonly ids: ReturnedId[];
}

/**
 * Handles the pages of one run as a small pipeline: steps of page N+1 run while page N is being
 * written; checkpoints are always committed in page order, so a resume never skips a page. While a
 * buffering step (one with `flush`) holds records, checkpoints are withheld: they are committed with
 * the final, flushed page.
 */
export function createPageHandler(d: PageHandlerDeps): PageHandler {
  const { open, flow, ctx, counts } = d;
  const buffering = open.steps.some((s) => s.processor.flush !== undefined);
  const window = Math.max(1, d.pagesInFlight ?? 1);
  const stepNames = flow.steps.map((s) => s.name);
  const destinationNames = flow.destinations.map((x) => x.name);
  /** Commit promises of the pages in flight, oldest first. */
  const inFlight: Promise<void>[] = [];
  let lastCommit: Promise<void> = Promise.resolve();
  let committed = 0;
  let accepted = 0;
  /** The page key's anchor: the last position a checkpoint was (or will be) committed at, and its page number. */
  let anchor = d.pageAnchor ?? `run ${d.runId}`;
  let anchorSeq = 0;

  const prepare = async (page: Page, flush: FlushProgress | undefined): Promise<Prepared> => {
    const started = performance.now();
    const tally = emptyCounts(stepNames, destinationNames);
    const failures: StageFailure[] = (page.failed ?? []).map((f) => ({
      stage: 'source',
      stageIndex: -1,
      record: f.record,
      error: f.error,
    }));
    tally.read = page.records.length + failures.length;
    let records = page.records;
    if (d.delta) {
      const admitted = d.delta.admit(records);
      records = admitted.records;
      failures.push(...admitted.failures);
      tally.skipped += admitted.skipped;
    }
    const watermark = d.delta?.pending();
    const stepped = await applySteps(open.steps, records, ctx, flush ? { flush } : {});
    for (const [name, c] of stepped.counts) {
      addStage(tally.steps, name, c);
      tally.skipped += c.skipped;
    }
    failures.push(...stepped.failures);
    const more = stepped.more;
    return {
      page,
      flush: flush !== undefined && !more,
      more,
      started,
      tally,
      failures,
      records: stepped.records,
      commit: stepped.commit,
      watermark,
      ids: [],
    };
  };

  const write = async (p: Prepared, pageKey: string): Promise<void> => {
    if (d.lease) await d.store.renewLease(d.lease, new Date(d.clock.now().getTime() + d.lease.ms));
    const written = await Promise.all(
      open.destinations.map((dest) => writeDestination(dest, flow.steps.length, p.records, ctx, pageKey)),
    );
    written.forEach((w, i) => {
      addStage(p.tally.destinations, open.destinations[i]?.def.name ?? '', w.counts);
      p.ids.push(...w.ids);
      p.tally.written += w.counts.out;
      p.tally.skipped += w.counts.skipped;
      if (w.counts.alreadyWritten) p.tally.alreadyWritten = (p.tally.alreadyWritten ?? 0) + w.counts.alreadyWritten;
      p.failures.push(...w.failures);
    });
    p.tally.failed = p.failures.length;
  };

  // While a buffering step holds records, a page commits no checkpoint: what must only be kept
  // together with a checkpoint (steps' state, records handed on, rows to mark exported) waits for
  // the page that commits one. A crash before it re-reads those pages: nothing of them is kept.
  let heldState: StateWrite[] = [];
  let heldHandoff: string[] = [];
  let heldPages: { page: Page; failed: Set<string> }[] = [];

  const commit = async (p: Prepared, seq: number): Promise<void> => {
    const handed = flow.next && flow.next.length > 0 ? handoff(flow.next, p) : undefined;
    if (handed) p.tally.handedOn = handed.payloads.length;
    merge(counts, p.tally);
    const at = d.clock.now();
    // identity by content: the record as the source read it (a file's `line:3` repeats, its content need not)
    const read = new Map(p.failures.length > 0 ? p.page.records.map((r) => [r.meta.id, r]) : []);
    const errors = p.failures.map((f) =>
      toErrorRecord(f, flow.name, d.runId, at, d.mask, {
        source: f.stage === 'source' ? undefined : read.get(f.record.meta.id),
      }),
    );
    const checkpointed = !(buffering && !p.flush);
    const totals = cloneCounts(counts);
    const durationMs = Math.round(performance.now() - p.started);
    const state = [...heldState, ...p.commit];
    const payloads = handed ? [...heldHandoff, ...handed.payloads] : heldHandoff;
    const pages = [...heldPages, { page: p.page, failed: new Set(p.failures.map((f) => f.record.meta.id)) }];
    const { errorIds } = await d.store.commitPage({
      runId: d.runId,
      flow: flow.name,
      seq,
      checkpoint: checkpointed ? p.page.checkpoint : undefined,
      records: p.tally.read,
      failed: p.failures.length,
      durationMs,
      counts: totals,
      errors,
      ...(p.ids.length > 0 ? { ids: p.ids } : {}),
      ...(checkpointed && state.length > 0 ? { state } : {}),
      ...(p.watermark === undefined ? {} : { watermark: { source: WATERMARK_SOURCE, value: p.watermark } }),
      ...(checkpointed && flow.next && payloads.length > 0 ? { handoff: { flows: flow.next, payloads } } : {}),
      ...(d.lease ? { lease: d.lease } : {}),
      at,
    });
    committed = seq;
    if (checkpointed) {
      heldState = [];
      heldHandoff = [];
      heldPages = [];
      if (d.afterCommit) for (const h of pages) await d.afterCommit(h.page, h.failed);
    } else {
      heldState = state;
      heldHandoff = payloads;
      heldPages = d.afterCommit ? pages : [];
    }
    d.tally?.add(errors);
    if (d.events)
      publishPage(d.events, {
        flow: flow.name,
        runId: d.runId,
        seq,
        at,
        checkpointed,
        durationMs,
        page: p.tally,
        counts: totals,
        errors,
        errorIds,
      });
  };

  return {
    get pages() {
      return committed;
    },
    async handle(page, options = {}) {
      const flush: FlushProgress | undefined = options.flush === true ? { finished: new Set() } : undefined;
      for (let next: Page | undefined = page; next !== undefined; ) {
        const prepared = await prepare(next, flush);
        // at most `window` pages written at once: wait for the oldest to commit (or fail)
        while (inFlight.length >= window) await inFlight.shift();
        const seq = ++accepted;
        const pageKey = `${anchor}#${seq - anchorSeq}`;
        if (!(buffering && !prepared.flush) && prepared.page.checkpoint !== undefined) {
          anchor = `run ${d.runId} page ${seq}`;
          anchorSeq = seq;
        }
        const written = write(prepared, pageKey);
        written.catch(() => undefined);
        const before = lastCommit;
        const done = (async () => {
          await written;
          await before; // strictly in page order; a failed earlier page stops this one from committing
          await commit(prepared, seq);
        })();
        done.catch(() => undefined);
        lastCommit = done;
        inFlight.push(done);
        // a buffering step emits a page at a time: the next flush page, with no source records
        next = prepared.more
          ? { records: [], ...(page.checkpoint === undefined ? {} : { checkpoint: page.checkpoint }) }
          : undefined;
        if (next) ctx.signal.throwIfAborted();
      }
    },
    async drain() {
      while (inFlight.length > 0) await inFlight.shift();
    },
  };
}

/** Pipelines: the page's records that came through the steps and every destination, for the next flows. */
function handoff(next: readonly string[], p: Prepared): { flows: readonly string[]; payloads: string[] } {
  const failed = new Set(p.failures.map((f) => f.record.meta.id));
  return { flows: next, payloads: p.records.filter((r) => !failed.has(r.meta.id)).map(handoffPayload) };
}

/** Adds one page's tally to the run's totals. */
function merge(total: RunCounts, page: RunCounts): void {
  total.read += page.read;
  total.written += page.written;
  total.skipped += page.skipped;
  total.failed += page.failed;
  if (page.alreadyWritten) total.alreadyWritten = (total.alreadyWritten ?? 0) + page.alreadyWritten;
  if (page.handedOn !== undefined) total.handedOn = (total.handedOn ?? 0) + page.handedOn;
  for (const [name, c] of Object.entries(page.steps)) addStage(total.steps, name, c);
  for (const [name, c] of Object.entries(page.destinations)) addStage(total.destinations, name, c);
}
