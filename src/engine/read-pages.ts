import type { Clock, FlowError, Json, Page } from '../sdk/index.js';
import type { RunCounts } from '../store/state-store.js';
import { withTimeout } from './call-timeout.js';
import type { ErrorTally } from './error-threshold.js';
import type { PageHandler } from './page-handler.js';

/** How far a source says it is (files: bytes): the share read, and where a resumed run started. */
export interface ReadFraction {
  readonly fraction: number;
  readonly startFraction: number;
}

export interface ReadPagesOptions {
  readonly pages: AsyncIterator<Page>;
  readonly handler: PageHandler;
  readonly clock: Clock;
  /** `timeouts.read`: how long the source may take to deliver its next page. */
  readonly readLimitMs: number;
  /** What is waited for, in the timeout's message (`waiting for the next page of file.csv`). */
  readonly waitingFor: string;
  readonly signal: AbortSignal;
  /** The run resumes from a stored checkpoint (its first page's progress says where it started). */
  readonly resumed: boolean;
  /** The checkpoint the run started from, if any. */
  readonly checkpoint: Json | undefined;
  readonly tally: ErrorTally;
  /** The run's totals (grown by the handler as pages commit). */
  readonly counts: RunCounts;
  /** After each page was taken into the pipeline: for the live progress. */
  readonly onPage: (fraction: ReadFraction | undefined) => void;
}

export interface ReadPagesResult {
  /** The last checkpoint a page carried (a buffering step's flush commits it). */
  readonly checkpoint: Json | undefined;
  /** Set when the records nearly all failed: reading stopped, the pages already read still commit. */
  readonly tooManyErrors: FlowError | undefined;
}

/**
 * Reads the source's pages into the page handler, one page read ahead while the last is handled,
 * until the source ends, the run is aborted or its records nearly all fail. A source that lets
 * `timeouts.read` pass fails the read (its pending read is not waited for: it ends when its
 * connection closes).
 */
export async function readPages(o: ReadPagesOptions): Promise<ReadPagesResult> {
  let checkpoint = o.checkpoint;
  let tooManyErrors: FlowError | undefined;
  let startFraction: number | undefined;
  let fraction: ReadFraction | undefined; // the last a page said: pages without progress keep it
  let next = o.pages.next();
  let stalled = false;
  try {
    while (!o.signal.aborted) {
      const result = await withTimeout(o.clock, o.readLimitMs, o.waitingFor, () => next).catch((e: unknown) => {
        stalled = true;
        throw e;
      });
      if (result.done) break;
      next = o.pages.next(); // read ahead one page while this one is handled
      next.catch(() => undefined);
      if (result.value.checkpoint !== undefined) checkpoint = result.value.checkpoint;
      const progress = result.value.progress;
      if (progress !== undefined && progress.total > 0) {
        // a resumed run started part of the way in: its first page says where, near enough for an estimate
        startFraction ??= o.resumed ? progress.done / progress.total : 0;
        fraction = { fraction: Math.min(1, progress.done / progress.total), startFraction };
      }
      await o.handler.handle(result.value);
      o.onPage(fraction);
      tooManyErrors = o.tally.exceeded(o.counts.read);
      if (tooManyErrors) break;
    }
  } finally {
    const closing = o.pages.return?.(undefined).catch(() => undefined);
    if (!stalled) await closing;
  }
  return { checkpoint, tooManyErrors };
}
