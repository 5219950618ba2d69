import type { FlowError } from './errors.js';
import type { Json } from './json.js';
import type { DataRecord } from './record.js';

/**
 * An ordered batch of records plus the checkpoint that is safe to resume from once
 * every record of this page (and every page before it) has been handled.
 */
export interface Page {
  readonly records: readonly DataRecord[];
  /** Opaque resume position: passed back as `from` to `Source.read` after a restart. */
  readonly checkpoint?: Json;
  /** Records the source itself could not read (e.g. a malformed CSV line). */
  readonly failed?: readonly Failed[];
  /**
   * How far the source is after this page, where it can tell (a file: bytes read of its size): lets
   * a progress display show a percentage and an estimate of the time left.
   */
  readonly progress?: SourceProgress;
}

/** Units done of a known total (any unit: bytes, rows); `done` ≤ `total`. */
export interface SourceProgress {
  readonly done: number;
  readonly total: number;
}

/** A record that failed, with the error that says why. */
export interface Failed {
  readonly record: DataRecord;
  readonly error: FlowError;
}
