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

/** What `flush` returns: some of the held records, and whether more are held. */
export interface FlushResult extends ProcessResult {
  /**
   * `true`: the step holds more records than it returned. The engine passes these on (a page of
   * their own), then calls `flush` again, until a call returns without `more`. Lets a step with
   * millions of groups emit them a page at a time. Steps after it are flushed once it is done.
   */
  readonly more?: boolean;
}

/** Transforms a batch of records. Must not throw for a bad record: report it in `failed`. */
export interface Processor {
  process(records: readonly DataRecord[], ctx: Context): Promise<ProcessResult> | ProcessResult;
  /**
   * Buffering steps only (aggregate): emit what is held at the end of the run, all at once or a
   * page per call (see `more`). `process` may still be called with no records between calls.
   */
  flush?(ctx: Context): Promise<FlushResult> | FlushResult;
  /** Frees what the processor holds (a script's sandbox); called once when the run ends, however it ends. */
  close?(): Promise<void> | void;
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
