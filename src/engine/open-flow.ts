import type { BulkheadPolicy } from 'cockatiel';
import type { DestinationDefinition, FlowDefinition, ProjectDefinition, StepDefinition } from '../config/definition.js';
import { parseDuration } from '../sdk/duration.js';
import { type Context, FlowError, type Processor, toFlowError, type Writer } from '../sdk/index.js';
import type { Breakers, ConnectionBreaker } from './breakers.js';
import type { Bulkheads } from './bulkheads.js';
import { checkAtRunStart } from './check-connection.js';
import type { ConnectionPool } from './connection-pool.js';
import type { Registry } from './registry.js';
import { reopeningWriter } from './reopening-writer.js';
import { defaultRetry, type RetryOptions, type RetryPolicy, resolveRetry, transientRetry } from './retry-policy.js';

export const DEFAULT_WRITE_TIMEOUT = '5m';

export interface OpenStep {
  readonly def: StepDefinition;
  readonly index: number;
  readonly processor: Processor;
}

export interface OpenDestination {
  readonly def: DestinationDefinition;
  readonly writer: Writer;
  /** The destination's retry schedule (defaults ← flow ← connection ← destination) and its policy. */
  readonly retry: RetryOptions;
  readonly policy: RetryPolicy;
  /** The circuit breaker of the destination's connection, shared by every flow of the process. */
  readonly breaker?: ConnectionBreaker;
  /** Longest a write call may take (flow `timeouts.write`, default 5 minutes). */
  readonly writeTimeoutMs: number;
  /** The connection's bulkhead (`maxConcurrent`), shared by every flow of the process. */
  readonly bulkhead?: BulkheadPolicy;
  /**
   * When the destination is down (retries spent, or its circuit open): `isolate` keeps the batch's
   * records as its error records and the page goes on; `pause` waits for the circuit, then pauses the run.
   */
  readonly onOutage: 'isolate' | 'pause';
  /** Whether `syncline serve` retries this flow's transient error records on its own (`autoRetry:` not off). */
  readonly autoRetry: boolean;
}

/** A flow with its connections opened, its steps compiled and its writers ready. */
export interface OpenFlow {
  readonly flow: FlowDefinition;
  readonly steps: readonly OpenStep[];
  readonly destinations: readonly OpenDestination[];
  connection(name: string): unknown;
  /** Closes writers (or aborts them when the run did not succeed) and connections. */
  close(outcome?: 'ok' | 'abort'): Promise<void>;
}

export interface OpenFlowOptions {
  /** Compile steps from this index on (error retry re-enters mid-flow). Default 0. */
  stepsFrom?: number;
  /** Which destinations to open: all (default), none (preview) or the named ones. */
  destinations?: 'all' | 'none' | readonly string[];
  /** The writers get some records only (error retry), not a whole run's: see the sdk's `OpenArgs.partial`. */
  partial?: boolean;
  /** Open the source's connection too (default true). */
  source?: boolean;
  /** The engine's retry defaults, under the flow's, connection's and destination's `retry:`. */
  retry?: RetryOptions;
  /** The process's circuit breakers (none: no breaker, as in previews). */
  breakers?: Breakers;
  bulkheads?: Bulkheads;
  /**
   * A destination whose opening fails with a transient error (its server down or unreachable) does
   * not fail the open: each of its writes opens it again, under its retry policy and breaker (runs).
   */
  reopenUnavailable?: boolean;
  /**
   * Run each connector's check once per connection after opening it (runs): a failure names the
   * connection and fails like a failed open (transient stays transient: a spoke down at start is isolated).
   */
  check?: boolean;
}

/** Hub-and-spoke: a flow with several destinations isolates a spoke that is down; one destination pauses. */
export function outagePolicy(def: DestinationDefinition, flow: FlowDefinition): 'isolate' | 'pause' {
  return def.onOutage ?? (flow.destinations.length > 1 ? 'isolate' : 'pause');
}

function wrap(error: unknown, where: string): FlowError {
  const e = toFlowError(error);
  if (e.where !== undefined || e.code !== 'INTERNAL') return e;
  return new FlowError(e.code, e.message, { kind: e.kind, where, cause: error });
}

export async function openFlow(
  registry: Registry,
  pool: ConnectionPool,
  project: ProjectDefinition,
  flow: FlowDefinition,
  ctx: Context,
  options: OpenFlowOptions = {},
): Promise<OpenFlow> {
  const opened = new Map<string, unknown>();
  const writers: OpenDestination[] = [];
  const steps: OpenStep[] = [];
  const closeAll = async (outcome: 'ok' | 'abort' = 'ok') => {
    let failure: unknown;
    for (const { processor } of steps.splice(0)) await Promise.resolve(processor.close?.()).catch(() => undefined);
    for (const { writer } of writers.splice(0)) {
      if (outcome === 'abort') await (writer.abort ?? writer.close).call(writer, ctx).catch(() => undefined);
      else await writer.close(ctx).catch((error: unknown) => (failure ??= error));
    }
    for (const name of opened.keys()) {
      const def = project.connections[name];
      if (def) await pool.release(def, project.baseDir);
    }
    opened.clear();
    if (failure !== undefined) throw failure;
  };
  const connect = async (name: string, where: string): Promise<unknown> => {
    if (opened.has(name)) return opened.get(name);
    const def = project.connections[name];
    if (!def) throw new FlowError('CONFIG_UNKNOWN_CONNECTION', `connection "${name}" is not declared`, { where });
    let conn: unknown;
    try {
      conn = await pool.acquire(def, project.baseDir, ctx);
    } catch (error) {
      // the connection's own name first: the driver's message names only the address
      const e = toFlowError(error);
      throw new FlowError(e.code, `connection "${name}": ${e.message}`, {
        kind: e.kind,
        where: def.where,
        cause: error,
        ...(e.hint === undefined ? {} : { hint: e.hint }),
        ...(e.next === undefined ? {} : { next: e.next }),
        ...(e.retryAfterMs === undefined ? {} : { retryAfterMs: e.retryAfterMs }),
      });
    }
    // once per connection per run; failing like a failed open (a spoke down at start is isolated)
    const failed = options.check ? await checkAtRunStart(registry, def, conn, ctx) : undefined;
    if (failed) {
      await pool.release(def, project.baseDir);
      throw failed;
    }
    opened.set(name, conn);
    return conn;
  };
  try {
    // a pipeline stage reads the store (what the previous flow handed on): no connection
    if (options.source !== false && flow.source.upstream === undefined)
      await connect(flow.source.connection, flow.source.where);
    const from = options.stepsFrom ?? 0;
    for (let i = from; i < flow.steps.length; i++) {
      const def = flow.steps[i] as StepDefinition;
      const where = `flow ${flow.name}/step ${def.name} (${def.where})`;
      const named = (def.config as { connection?: unknown } | null)?.connection;
      const connection =
        def.type.includes('.') && typeof named === 'string' ? await connect(named, def.where) : undefined;
      try {
        const processor = await registry
          .step(def.type)
          .create(
            connection === undefined ? { config: def.config, where } : { config: def.config, where, connection },
            ctx,
          );
        steps.push({ def, index: i, processor });
      } catch (error) {
        throw wrap(error, where);
      }
    }
    const wanted = options.destinations ?? 'all';
    for (const def of flow.destinations) {
      if (wanted === 'none' || (wanted !== 'all' && !wanted.includes(def.name))) continue;
      const where = `flow ${flow.name}/destination ${def.name} (${def.where})`;
      const openWriter = async (): Promise<Writer> => {
        const connection = await connect(def.connection, def.where);
        try {
          const args = { config: def.config, connection, ...(options.partial ? { partial: true } : {}) };
          return await registry.destination(def.type).open(args, ctx);
        } catch (error) {
          throw wrap(error, where);
        }
      };
      let writer: Writer;
      try {
        writer = await openWriter();
      } catch (error) {
        const e = toFlowError(error);
        if (options.reopenUnavailable !== true || e.kind !== 'transient') throw error;
        // down at the start: each write tries to open it again (retry policy, breaker), as mid-run
        ctx.log.warn(
          { destination: def.name, code: e.code },
          `destination ${def.name} cannot be opened (${e.message}); each write will try to open it again`,
        );
        writer = reopeningWriter(openWriter);
      }
      try {
        const retry = resolveRetry(
          options.retry ?? defaultRetry,
          flow.retry,
          project.connections[def.connection]?.retry,
          def.retry,
        );
        const conn = project.connections[def.connection];
        const breaker =
          conn && options.breakers ? await options.breakers.forConnection(conn, project.baseDir) : undefined;
        const bulk = conn && options.bulkheads ? options.bulkheads.forConnection(conn, project.baseDir) : undefined;
        const writeTimeoutMs = parseDuration(flow.timeouts?.write ?? DEFAULT_WRITE_TIMEOUT) ?? 300_000;
        writers.push({
          def,
          writer,
          retry,
          policy: transientRetry(retry, ctx.clock),
          writeTimeoutMs,
          onOutage: outagePolicy(def, flow),
          autoRetry: flow.autoRetry?.enabled !== false,
          ...(breaker ? { breaker } : {}),
          ...(bulk ? { bulkhead: bulk } : {}),
        });
      } catch (error) {
        await writer.close(ctx).catch(() => undefined);
        throw wrap(error, where);
      }
    }
    return {
      flow,
      steps,
      destinations: writers,
      connection: (name) => opened.get(name),
      close: closeAll,
    };
  } catch (error) {
    await closeAll('abort');
    throw error;
  }
}
