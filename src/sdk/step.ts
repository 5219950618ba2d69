import type { z } from 'zod';
import type { Context } from './context.js';
import type { Failed } from './page.js';
import type { DataRecord } from './record.js';
import type { StateWrite } from './step-state.js';

export interface ProcessResult {
  readonly records: DataRecord[];
  readonly failed: Failed[];
  /**
   * Counters of this call, summed per step into the run record (e.g. a lookup's `hits`, `misses`,
   * `lookupMs`): shown by `syncline runs` and kept in the run's counts.
   */
  readonly stats?: Readonly<Record<string, number>>;
  /** State the engine stores in the same transaction as the page's checkpoint (see StateWrite). */
  readonly commit?: readonly StateWrite[];
}

/** Transforms a batch of records. Must not throw for a bad record: report it in `failed`. */
export interface Processor {
  process(records: readonly DataRecord[], ctx: Context): Promise<ProcessResult> | ProcessResult;
  /** Buffering steps only (aggregate): emit what is held at the end of the run. */
  flush?(ctx: Context): Promise<ProcessResult> | ProcessResult;
}

export interface StepArgs<C> {
  readonly config: C;
  /** Where this step stands, for error messages: `flow orders/steps[1].map`. */
  readonly where: string;
  /**
   * For a connector's own step (e.g. `postgres.lookup`) whose config names a `connection`: that
   * connection, opened by the engine with the connector's `open` and closed after the run.
   */
  readonly connection?: unknown;
}

export interface Step<C = unknown> {
  readonly type: string;
  readonly description: string;
  readonly config: z.ZodType<C>;
  /** Compile the config; throw FlowError (kind config) for a config that cannot work. */
  create(args: StepArgs<C>, ctx: Context): Promise<Processor> | Processor;
}

export function defineStep<C>(step: Step<C>): Step<unknown> {
  return step as unknown as Step<unknown>;
}
