import { type Context, type DataRecord, type Failed, FlowError, type Page } from '../../sdk/index.js';
import { fileSize, progressAt } from './file-progress.js';
import type { TextCheckpoint } from './source-options.js';
import { openTextReader, type TextEncoding, type TextWindow } from './text-reader.js';

/** What a line-based source's scan reads and fills, window after window. */
export interface TextScan {
  /** The number of the next line to read. */
  line: number;
  /** Set by the scan when a line too long to read runs past the window: the rest of it is dropped. */
  skipping: boolean;
  records: DataRecord[];
  failed: Failed[];
}

/**
 * Scans one window from `pos`, adding to `state.records` and `state.failed`. It yields the position after
 * a record whenever the page is full (a page is cut there) and returns where the unread rest begins.
 */
export type WindowScan = (window: TextWindow, pos: number, state: TextScan) => Generator<number, number, undefined>;

export interface TextPagesOptions {
  /** The file on disk, and the path as configured (for messages). */
  readonly file: string;
  readonly path: string;
  readonly checkpoint: TextCheckpoint | undefined;
  readonly encoding: TextEncoding;
  /** Turns a failed read into the error to throw; without it the read's own error is thrown. */
  readonly readError?: (error: unknown) => unknown;
  /** More fields of each page's checkpoint (the CSV header). */
  readonly extra?: () => Pick<TextCheckpoint, 'header'>;
}

/**
 * The page loop of the line-based sources (CSV, JSON Lines): reads the file window by window from the
 * checkpoint, drops the rest of an overlong line that ran past a window (never holding it whole), hands
 * each window to `scan`, and cuts pages with the checkpoint `{ offset, line }` after their last record.
 */
export async function* readTextPages(options: TextPagesOptions, ctx: Context, scan: WindowScan): AsyncGenerator<Page> {
  const { file, path, checkpoint, readError } = options;
  const state: TextScan = { line: checkpoint?.line ?? 1, skipping: false, records: [], failed: [] };
  const reader = openTextReader(file, { start: checkpoint?.offset ?? 0, encoding: options.encoding });
  const size = await fileSize(file);
  const page = (offset: number): Page => {
    const { records, failed } = state;
    state.records = [];
    state.failed = [];
    return {
      records,
      checkpoint: { offset, line: state.line, ...options.extra?.() },
      ...progressAt(offset, size),
      ...(failed.length > 0 ? { failed } : {}),
    };
  };
  // checked before each window is read and before each page is handed on: a window holds many pages
  const stopIfCanceled = (): void => {
    if (ctx.signal.aborted) throw new FlowError('CANCELED', `reading ${path} was canceled`, { where: path });
  };
  let consumed = 0;
  let last: TextWindow | undefined;
  try {
    for (;;) {
      stopIfCanceled();
      const read = reader.read(consumed);
      const window = await (readError === undefined
        ? read
        : read.catch((error: unknown) => Promise.reject(readError(error))));
      if (window === undefined) break;
      last = window;
      const { text, final } = window;
      let pos = 0;
      if (state.skipping) {
        // the rest of a line too long to read: dropped window by window, never held whole
        const nl = text.indexOf('\n');
        if (nl < 0) {
          consumed = text.length;
          if (final) break;
          continue;
        }
        state.skipping = false;
        state.line += 1;
        pos = nl + 1;
      }
      const steps = scan(window, pos, state);
      for (let step = steps.next(); ; step = steps.next()) {
        if (step.done) {
          pos = step.value;
          break;
        }
        stopIfCanceled();
        yield page(window.byteAt(step.value));
      }
      consumed = pos;
      if (final) break;
    }
    if (state.records.length + state.failed.length > 0) {
      stopIfCanceled();
      yield page(last === undefined ? (checkpoint?.offset ?? 0) : last.byteAt(consumed));
    }
  } finally {
    reader.close();
  }
}

/** A page is full: time for the scan to yield. */
export function pageFull(state: TextScan, pageSize: number): boolean {
  return state.records.length + state.failed.length >= pageSize;
}
