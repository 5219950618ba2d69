import type {
  DestinationDefinition,
  FlowDefinition,
  ProjectDefinition,
  SyncDefinition,
  SyncSideDefinition,
} from '../../config/definition.js';
import { type Context, FlowError, type KeyedOperation, type Source, type Stage } from '../../sdk/index.js';
import type { Breakers } from '../breakers.js';
import type { Bulkheads } from '../bulkheads.js';
import type { ConnectionPool } from '../connection-pool.js';
import { type OpenDestination, type OpenFlow, openFlow } from '../open-flow.js';
import type { Registry } from '../registry.js';
import type { RetryOptions } from '../retry-policy.js';

/** One side of a sync, opened for a run: its source, its keyed writers and its connection. */
export interface OpenSide {
  readonly def: SyncSideDefinition;
  readonly source: Source;
  readonly connection: unknown;
  /** The writer of each keyed operation the side's destination offers. */
  readonly writers: Readonly<Partial<Record<KeyedOperation, OpenDestination>>>;
  /** How the side's error records name where they failed: `destination:<side>:<label>`. */
  readonly stage: Stage;
  readonly open: OpenFlow;
}

/** The error records' stage of a side's writes. */
export function sideStage(side: SyncSideDefinition): Stage {
  return { kind: 'destination', name: `${side.side}:${side.label}` };
}

/**
 * A side seen as a flow: its source (with the change cursor as delta field) and one destination per
 * keyed operation, each configured by the destination's `keyedWrites.config`. Opening it with
 * `openFlow` gives the side the same connection pool, connection check, retry policy, circuit breaker,
 * bulkhead and write timeout as any flow's destination.
 */
export function sideFlow(
  sync: SyncDefinition,
  side: SyncSideDefinition,
  operations: readonly KeyedOperation[],
  config: (op: KeyedOperation) => unknown,
): FlowDefinition {
  const destination = (op: KeyedOperation): DestinationDefinition => ({
    name: `${side.side}:${side.label}:${op}`,
    connection: side.connection,
    type: side.destination.type,
    config: config(op),
    batch: { size: sync.batchSize },
    // a side that is down holds the run (retries, then the breaker's wait, then paused): its changes stay staged
    onOutage: 'pause',
    ...(sync.retry ? { retry: sync.retry } : {}),
    where: side.destination.where,
  });
  return {
    name: sync.name,
    source: {
      connection: side.connection,
      type: side.source.type,
      config: side.source.config,
      ...(side.cursor ? { delta: { field: side.cursor, ...(side.overlap ? { overlap: side.overlap } : {}) } } : {}),
      where: side.source.where,
    },
    steps: [],
    destinations: operations.map(destination),
    ...(sync.retry ? { retry: sync.retry } : {}),
    ...(sync.timeouts ? { timeouts: sync.timeouts } : {}),
    ...(sync.pii ? { pii: sync.pii } : {}),
    where: side.where,
  };
}

export interface OpenSideDeps {
  readonly registry: Registry;
  readonly pool: ConnectionPool;
  readonly retry: RetryOptions;
  readonly breakers: Breakers;
  readonly bulkheads: Bulkheads;
}

/** Opens one side: its connection (checked), its source and a writer per keyed operation. */
export async function openSide(
  deps: OpenSideDeps,
  project: ProjectDefinition,
  sync: SyncDefinition,
  side: SyncSideDefinition,
  ctx: Context,
): Promise<OpenSide> {
  const destination = deps.registry.destination(side.destination.type);
  const keyed = destination.keyedWrites;
  if (!keyed) {
    throw new FlowError(
      'CONFIG_SYNC_NO_KEYED_WRITES',
      `sync ${sync.name}, side ${side.side} (${side.label}): destination ${side.destination.type} cannot write records by key`,
      { where: side.destination.where },
    );
  }
  const operations = keyed.operations;
  const flow = sideFlow(sync, side, operations, (op) => keyed.config(side.destination.config, op, side.key));
  const open = await openFlow(deps.registry, deps.pool, project, flow, ctx, {
    retry: deps.retry,
    breakers: deps.breakers,
    bulkheads: deps.bulkheads,
    reopenUnavailable: true,
    check: true,
  });
  const writers: Partial<Record<KeyedOperation, OpenDestination>> = {};
  operations.forEach((op, i) => {
    const writer = open.destinations[i];
    if (writer) writers[op] = writer;
  });
  return {
    def: side,
    source: deps.registry.source(side.source.type),
    connection: open.connection(side.connection),
    writers,
    stage: sideStage(side),
    open,
  };
}
