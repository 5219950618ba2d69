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
}

/** A record that failed, with the error that says why. */
export interface Failed {
  readonly record: DataRecord;
  readonly error: FlowError;
}
