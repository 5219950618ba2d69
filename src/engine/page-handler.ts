import type { FlowDefinition } from '../config/definition.js';
import type { Clock, Context, Page, Source } from '../sdk/index.js';
import type { Lease, NewErrorRecord, PageCommit, RunCounts, StateStore } from '../store/state-store.js';
import type { FlushProgress } from './apply-steps.js';
import { type CommitItem, itemsOf, waitsForCheckpoint } from './commit-item.js';
import type { ErrorTally } from './error-threshold.js';
import { foldOutcome } from './fold-outcome.js';
import type { MessageMask } from './message-mask.js';
import { markExported, marksOnce } from './once-mark.js';
import type { OpenFlow } from './open-flow.js';
import { type PageOutcome, type PagePipeline, runPage } from './page-outcome.js';
import { publishPage } from './publish-page.js';
import { cloneCounts } from './run-counts.js';
import type { RunEventPublisher } from './run-events.js';
import { handoffPayload } from './stage-source.js';
import { toErrorRecord } from './to-error-record.js';

export interface PageHandlerDeps {
  readonly open: OpenFlow;
  readonly flow: FlowDefinition;
  /** The flow's source: with export mode `once`, the records each commit kept are marked exported there. */
  readonly source: Source;
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
  /** The run's running totals: each page's outcome is folded in (fold-outcome.ts) when the page commits, in order. */
  readonly counts: RunCounts;
  /**
   * Pages whose destination writes may be in flight at once (flow `concurrency.pages`, default 1).
   * With 1, pages are written one after another, while the next page is read and transformed.
   */
  readonly pagesInFlight?: number;
  /** Delta sync: checks each page's records before the steps, and gives the watermark state to commit with it. */
  readonly delta?: PagePipeline['delta'];
  /**
   * Where this run's pages are counted from (see page-anchor.ts): the position of the committed
   * checkpoint the run resumes from. Each page gets the key `anchor#index`, moved on by every page
   * that commits a checkpoint, so a page read again after a crash gets the key it had before.
   */
  readonly pageAnchor?: string;
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
  const pipeline: PagePipeline = {
    flow,
    open,
    ctx,
    ...(d.delta ? { delta: d.delta } : {}),
    ...(marksOnce(flow, d.source) ? { once: true } : {}),
  };
  /** Commit promises of the pages in flight, oldest first. */
  const inFlight: Promise<void>[] = [];
  let lastCommit: Promise<void> = Promise.resolve();
  let committed = 0;
  let accepted = 0;
  /** The page key's anchor: the last position a checkpoint was (or will be) committed at, and its page number. */
  let anchor = d.pageAnchor ?? `run ${d.runId}`;
  let anchorSeq = 0;
  // While a buffering step holds records, a page commits no checkpoint: the items that must only be
  // kept together with a checkpoint (steps' state, records handed on, rows to mark exported) are
  // held for the page that commits one. A crash before it re-reads those pages: nothing of them is kept.
  let held: CommitItem[] = [];

  const commit = async (page: Page, o: PageOutcome, seq: number, checkpointed: boolean): Promise<void> => {
    foldOutcome(counts, o);
    const at = d.clock.now();
    const errors = errorRecords(o, flow.name, d.runId, at, d.mask);
    const items = checkpointed ? [...held, ...o.items] : o.items.filter((i) => !waitsForCheckpoint(i));
    const totals = cloneCounts(counts);
    const durationMs = Math.round(performance.now() - o.started);
    const { errorIds } = await d.store.commitPage({
      runId: d.runId,
      flow: flow.name,
      seq,
      checkpoint: checkpointed ? page.checkpoint : undefined,
      records: o.tally.read,
      failed: o.failures.length,
      durationMs,
      counts: totals,
      errors,
      ...pageCommitItems(items),
      ...(d.lease ? { lease: d.lease } : {}),
      at,
    });
    committed = seq;
    held = checkpointed ? [] : [...held, ...o.items.filter(waitsForCheckpoint)];
    if (checkpointed)
      for (const mark of itemsOf(items, 'once-mark')) await markExported(flow, d.source, open, mark.records, ctx);
    d.tally?.add(errors);
    if (d.events)
      publishPage(d.events, {
        flow: flow.name,
        runId: d.runId,
        seq,
        at,
        checkpointed,
        durationMs,
        page: o.tally,
        counts: totals,
        errors,
        errorIds,
      });
  };

  /** Takes one page: its steps now, its writes once the window lets it, its commit after the page before. */
  const take = (page: Page, flush: FlushProgress | undefined): Promise<{ more: boolean }> =>
    new Promise((accept, refuse) => {
      const before = lastCommit;
      let seq = 0;
      let checkpointed = true;
      const done = (async () => {
        const outcome = await runPage(pipeline, page, {
          ...(flush ? { flush } : {}),
          beforeWrite: async (more) => {
            // at most `window` pages written at once: wait for the oldest to commit (or fail)
            while (inFlight.length >= window) await inFlight.shift();
            seq = ++accepted;
            checkpointed = !(buffering && !(flush !== undefined && !more));
            const pageKey = `${anchor}#${seq - anchorSeq}`;
            if (checkpointed && page.checkpoint !== undefined) {
              anchor = `run ${d.runId} page ${seq}`;
              anchorSeq = seq;
            }
            lastCommit = done;
            inFlight.push(done);
            accept({ more });
            if (d.lease) await d.store.renewLease(d.lease, new Date(d.clock.now().getTime() + d.lease.ms));
            return pageKey;
          },
        });
        await before; // strictly in page order; a failed earlier page stops this one from committing
        await commit(page, outcome, seq, checkpointed);
      })();
      done.catch(refuse); // before it was accepted: the steps (or the wait) failed; after, drain reports it
    });

  return {
    get pages() {
      return committed;
    },
    async handle(page, options = {}) {
      const flush: FlushProgress | undefined = options.flush === true ? { finished: new Set() } : undefined;
      for (let next: Page | undefined = page; next !== undefined; ) {
        const { more } = await take(next, flush);
        // a buffering step emits a page at a time: the next flush page, with no source records
        next = more
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

/** A page's failures as error records; identity by content: the record as the source read it. */
function errorRecords(o: PageOutcome, flow: string, runId: number, at: Date, mask: MessageMask): NewErrorRecord[] {
  // a file's `line:3` repeats, its content need not
  const read = new Map(o.failures.length > 0 ? o.input.map((r) => [r.meta.id, r]) : []);
  return o.failures.map((f) =>
    toErrorRecord(f, flow, runId, at, mask, {
      source: f.stage.kind === 'source' ? undefined : read.get(f.record.meta.id),
    }),
  );
}

/** The commit items of a page as the store's page commit takes them, in one transaction. */
function pageCommitItems(items: readonly CommitItem[]): Partial<PageCommit> {
  const state = itemsOf(items, 'state').flatMap((i) => i.writes);
  const ids = itemsOf(items, 'ids').flatMap((i) => i.ids);
  const handoffs = itemsOf(items, 'handoff');
  const payloads = handoffs.flatMap((h) => h.records.map(handoffPayload));
  const flows = handoffs[0]?.flows;
  const watermark = itemsOf(items, 'watermark').at(-1);
  return {
    ...(ids.length > 0 ? { ids } : {}),
    ...(state.length > 0 ? { state } : {}),
    ...(watermark ? { watermark: { source: watermark.source, value: watermark.value } } : {}),
    ...(flows && payloads.length > 0 ? { handoff: { flows, payloads } } : {}),
  };
}
