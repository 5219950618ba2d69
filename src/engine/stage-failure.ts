import type { DataRecord, FlowError } from '../sdk/index.js';

/** A record that failed at one stage of a flow, before it is stored as an error record. */
export interface StageFailure {
  /** `source`, `step:<name>` or `destination:<name>`. */
  readonly stage: string;
  /** -1 for the source, the step's index, or steps.length for a destination. */
  readonly stageIndex: number;
  readonly record: DataRecord;
  readonly error: FlowError;
  /** The raw text, when the source could not parse it. */
  readonly raw?: string;
}
