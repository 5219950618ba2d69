import type { DataRecord, FlowError, Stage } from '../sdk/index.js';

/** A record that failed at one stage of a flow, before it is stored as an error record. */
export interface StageFailure {
  readonly stage: Stage;
  readonly record: DataRecord;
  readonly error: FlowError;
  /** The raw text, when the source could not parse it. */
  readonly raw?: string;
}
