import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { type Clock, FlowError, type Logger, noMetrics, type Receiver } from '../sdk/index.js';
import type { ConnectionPool } from './connection-pool.js';
import { makeContext } from './make-context.js';
import type { Registry } from './registry.js';

export interface OpenReceiver {
  readonly receiver: Receiver;
  /** Releases the source's connection. */
  release(): Promise<void>;
}

/** Whether the flow's source receives pushed events (a webhook flow). */
export function receivesEvents(registry: Registry, flow: FlowDefinition): boolean {
  return registry.source(flow.source.type).receiver !== undefined;
}

/** The receiver of a flow whose source takes pushed events; its connection stays open until released. */
export async function openReceiver(
  deps: { registry: Registry; pool: ConnectionPool; clock: Clock; log: Logger },
  project: ProjectDefinition,
  flow: FlowDefinition,
): Promise<OpenReceiver> {
  const source = deps.registry.source(flow.source.type);
  if (!source.receiver) {
    throw new FlowError(
      'WEBHOOK_NOT_FOUND',
      `flow "${flow.name}" reads ${flow.source.type}: it does not receive webhooks`,
      {
        where: flow.source.where,
        hint: 'Give the flow a `webhook.events` source to receive events at POST /hooks/<flow>.',
      },
    );
  }
  const def = project.connections[flow.source.connection];
  if (!def) throw new FlowError('CONFIG_UNKNOWN_CONNECTION', `connection "${flow.source.connection}" is not declared`);
  const ctx = makeContext({
    runId: 'serve',
    flow: flow.name,
    signal: new AbortController().signal,
    clock: deps.clock,
    log: deps.log,
    metrics: noMetrics,
    baseDir: project.baseDir,
  });
  const connection = await deps.pool.acquire(def, project.baseDir, ctx);
  return {
    receiver: source.receiver({ config: flow.source.config, connection }),
    release: () => deps.pool.release(def, project.baseDir),
  };
}
