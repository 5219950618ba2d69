import type { z } from 'zod';
import type { Context } from './context.js';
import type { Destination } from './destination.js';
import type { ErrorCatalog } from './error-catalog.js';
import type { Source } from './source.js';
import type { Step } from './step.js';

/**
 * A system Syncline can talk to. One folder under src/connectors, importing only the sdk
 * and its own client library. Registered explicitly: createEngine({ connectors: [...] }).
 */
export interface Connector<C = unknown, K = unknown> {
  /** The connection `type:` in flow files, e.g. `sqlite`. */
  readonly name: string;
  readonly description: string;
  readonly connection: z.ZodType<C>;
  /** Opens the connection (pools, handles). `baseDir` in ctx resolves relative paths. */
  open(config: C, ctx: Context): Promise<K> | K;
  /** Proves the connection works (auth, reachability); throws FlowError otherwise. */
  check(connection: K, ctx: Context): Promise<void>;
  /**
   * Whether a run calls `check` right after opening the connection (absent: yes). Say no when the
   * check can fail for a connection the run can use: a folder a destination creates, an API without
   * a health endpoint. `syncline connections test` and `validate --connect` always check.
   */
  checkAtRunStart?(connection: K): boolean;
  close(connection: K): Promise<void>;
  readonly sources?: readonly Source<unknown, K>[];
  readonly destinations?: readonly Destination<unknown, K>[];
  readonly steps?: readonly Step<unknown>[];
  /**
   * The catalogs of the error codes this connector raises beyond the core ones (`defineErrors`): its own
   * (`./error-codes.ts`) and the kit's it shares with other connectors. docs/errors.md documents them.
   */
  readonly errors?: readonly ErrorCatalog[];
}

export function defineConnector<C, K>(connector: Connector<C, K>): Connector {
  return connector as unknown as Connector;
}
