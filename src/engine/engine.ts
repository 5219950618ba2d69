import { hostname } from 'node:os';
import type { FlowDefinition, ProjectDefinition, SyncDefinition } from '../config/definition.js';
import {
  type Clock,
  type Connector,
  FlowError,
  type JsonObject,
  type Logger,
  type Metrics,
  noMetrics,
  type Step,
  silentLogger,
  systemClock,
  type TokenStore,
} from '../sdk/index.js';
import type { ErrorRecordRow, RunRow, StateStore } from '../store/state-store.js';
import { createBreakers } from './breakers.js';
import { createBulkheads } from './bulkheads.js';
import { createConnectionPool } from './connection-pool.js';
import { type FlowState, readFlowState } from './flow-state.js';
import { type OpenReceiver, openReceiver, receivesEvents } from './open-receiver.js';
import { type PreviewResult, previewFlow } from './preview-flow.js';
import { createRegistry, type Registry } from './registry.js';
import { type ResolveOptions, resolveErrorRecord } from './resolve-error-record.js';
import { type RetryOutcome, type RetryResult, retryErrorRecord, retryErrorRecords } from './retry-error-record.js';
import { defaultRetry, type RetryOptions } from './retry-policy.js';
import { createRunEvents, type RunEvents } from './run-events.js';
import { type RunOptions, runFlow } from './run-flow.js';
import { runSync } from './sync/run-sync.js';

export interface EngineOptions {
  /** Every connector this engine may use, registered explicitly. */
  connectors: readonly Connector[];
  /** Built-in steps (map, filter, …). */
  steps: readonly Step[];
  store: StateStore;
  clock?: Clock;
  log?: Logger;
  metrics?: Metrics;
  /** Retry defaults for every flow (a flow's, connection's and destination's `retry:` override them). */
  retry?: Partial<RetryOptions>;
  /** Durable, sealed storage connectors may use for tokens (ctx.tokens). */
  tokens?: TokenStore;
  /** The host runs are recorded on (default: this machine's name); tests give two engines two hosts. */
  host?: string;
}

export interface Engine {
  readonly registry: Registry;
  readonly store: StateStore;
  /**
   * What happens to runs and error records (docs/events.md): run.started, page.committed,
   * record.failed, run.progress, run.ended, error.retried, error.resolved. Subscribers never break a run.
   */
  readonly events: RunEvents;
  /** Runs a flow or a sync, by its name. */
  run(project: ProjectDefinition, name: string, options: RunOptions): Promise<RunRow>;
  preview(project: ProjectDefinition, flow: string, limit: number): Promise<PreviewResult>;
  /** Retries one error record (throws when it cannot be retried): `retryErrors` with one id. */
  retryError(project: ProjectDefinition, id: number, options?: { payload?: JsonObject }): Promise<RetryOutcome>;
  /**
   * Retries many error records, each from its stage: the flow opened once per batch of records of one
   * flow and stage. Each id's result in order: its outcome, or why it was not retried.
   */
  retryErrors(
    project: ProjectDefinition,
    ids: readonly number[],
    options?: { payload?: JsonObject },
  ): Promise<RetryResult[]>;
  /** Marks an open error record resolved (it is not retried any more), with an optional note. */
  resolveError(id: number, options?: ResolveOptions): Promise<ErrorRecordRow>;
  /** Whether the flow's source receives pushed events (webhooks). */
  receivesEvents(project: ProjectDefinition, flow: string): boolean;
  /** The receiver of a webhook flow, its connection held open until released. */
  openReceiver(project: ProjectDefinition, flow: string): Promise<OpenReceiver>;
  /** A flow's watermark and checkpoint, decoded (the stored format stays the engine's own). */
  flowState(flow: string): Promise<FlowState>;
  /** Closes the event stream, waiting for its subscribers to finish (a notifier sends what waits); the store stays open: it is the caller's. */
  close(): Promise<void>;
}

/** The names a project declares, for messages: its flows, then its syncs. */
function namesIn(project: ProjectDefinition): string {
  const flows = Object.keys(project.flows);
  const syncs = Object.keys(project.syncs ?? {});
  const parts = [
    ...(flows.length ? [`flows in this file: ${flows.join(', ')}`] : []),
    ...(syncs.length ? [`syncs in this file: ${syncs.join(', ')}`] : []),
  ];
  return parts.length ? parts.join('; ') : 'the file declares no flows and no syncs';
}

/** Finds a flow by name, or fails with the names that exist. */
export function findFlow(project: ProjectDefinition, name: string): FlowDefinition {
  const flow = project.flows[name];
  if (flow) return flow;
  const sync = project.syncs?.[name] !== undefined;
  throw new FlowError(
    'FLOW_NOT_FOUND',
    `no flow named "${name}" in ${project.file}${sync ? ` ("${name}" is a sync)` : ''}`,
    {
      hint: namesIn(project),
    },
  );
}

/** Finds a sync by name, or fails with the names that exist. */
export function findSync(project: ProjectDefinition, name: string): SyncDefinition {
  const sync = project.syncs?.[name];
  if (sync) return sync;
  const flow = project.flows[name] !== undefined;
  throw new FlowError(
    'SYNC_NOT_FOUND',
    `no sync named "${name}" in ${project.file}${flow ? ` ("${name}" is a flow)` : ''}`,
    {
      hint: namesIn(project),
    },
  );
}

/** What a run names: a flow or a sync (a name is unique among both). */
export type RunTarget =
  | { readonly kind: 'flow'; readonly flow: FlowDefinition }
  | { readonly kind: 'sync'; readonly sync: SyncDefinition };

/**
 * Finds the flow or sync a run names, or fails with the names of both kinds: SYNC_NOT_FOUND when the
 * file declares syncs only, else FLOW_NOT_FOUND.
 */
export function findRunTarget(project: ProjectDefinition, name: string): RunTarget {
  const flow = project.flows[name];
  if (flow) return { kind: 'flow', flow };
  const sync = project.syncs?.[name];
  if (sync) return { kind: 'sync', sync };
  const onlySyncs = Object.keys(project.flows).length === 0 && Object.keys(project.syncs ?? {}).length > 0;
  throw new FlowError(
    onlySyncs ? 'SYNC_NOT_FOUND' : 'FLOW_NOT_FOUND',
    `no flow or sync named "${name}" in ${project.file}`,
    { hint: namesIn(project) },
  );
}

export function createEngine(options: EngineOptions): Engine {
  const registry = createRegistry(options.connectors, options.steps);
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const retry: RetryOptions = { ...defaultRetry, ...options.retry };
  const events = createRunEvents(log);
  const deps = {
    registry,
    pool: createConnectionPool(registry),
    store: options.store,
    clock,
    log,
    metrics: options.metrics ?? noMetrics,
    retry,
    breakers: createBreakers(options.store, clock, log),
    events,
    bulkheads: createBulkheads(),
    host: options.host ?? hostname(),
    pid: process.pid,
    ...(options.tokens ? { tokens: options.tokens } : {}),
  };
  return {
    registry,
    store: options.store,
    events,
    run: async (project, name, runOptions) => {
      const target = findRunTarget(project, name);
      return target.kind === 'flow'
        ? runFlow(deps, project, target.flow, runOptions)
        : runSync(deps, project, target.sync, runOptions);
    },
    preview: async (project, flow, limit) => previewFlow(deps, project, findFlow(project, flow), limit),
    retryError: (project, id, retryOptions) => retryErrorRecord(deps, project, id, retryOptions),
    retryErrors: (project, ids, retryOptions) => retryErrorRecords(deps, project, ids, retryOptions),
    receivesEvents: (project, flow) => receivesEvents(registry, findFlow(project, flow)),
    openReceiver: (project, flow) => openReceiver(deps, project, findFlow(project, flow)),
    resolveError: (id, resolveOptions) => resolveErrorRecord(deps, id, resolveOptions),
    flowState: (flow) => readFlowState(options.store, flow),
    close: () => events.close(),
  };
}
