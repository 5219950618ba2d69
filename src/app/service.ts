import type { ProjectDefinition } from '../config/definition.js';
import {
  createEventTrigger,
  createScheduler,
  type Engine,
  type EventTrigger,
  type Scheduler,
} from '../engine/index.js';
import { type Clock, FlowError, type Logger, type Receiver } from '../sdk/index.js';
import type { RunRow, StateStore } from '../store/state-store.js';
import { createHousekeeping, type Housekeeping } from './housekeeping.js';
import type { InboxWriter } from './inbox-writer.js';
import type { RunService } from './runs.js';
import type { Tokens } from './tokens.js';

/** A flow that receives webhooks: how its requests are checked, and whom to tell once one was persisted. */
export interface WebhookHook {
  readonly flow: string;
  readonly receiver: Receiver;
  notify(): void;
}

/** A flow (or sync) started by its schedule or on request (`POST /flows/<flow>/runs`), not by webhooks. */
export interface ServedFlow {
  readonly flow: string;
  readonly schedule: string | null;
  readonly timezone: string | null;
  readonly nextRun: Date | null;
}

/** `syncline serve` as a use case: what the HTTP transport is handed, and how it all stops. */
export interface Service {
  /** The webhook flows, by name. */
  readonly hooks: ReadonlyMap<string, WebhookHook>;
  /** The other flows: each run on its schedule or on request. */
  readonly flows: {
    list(): ServedFlow[];
    /** Requests a manual run: `started`, `queued` (after the active one) or `skipped` (recorded as a skipped run). */
    trigger(flow: string): Promise<'started' | 'queued' | 'skipped'>;
  };
  /** The API token created at this first start (returned only then; the store keeps its SHA-256). */
  readonly newToken: string | undefined;
  /** Whether a presented API token is valid. */
  verifyToken(token: string): Promise<boolean>;
  /** Where accepted webhook events are persisted (group commit). */
  readonly inbox: InboxWriter;
  /**
   * Starts what acts on its own: each webhook flow handles the events a crash left, and the
   * housekeeping timers (auto-retry, retention) begin. Call it once the transport listens.
   */
  start(): Promise<void>;
  /**
   * Stops the schedules and timers, then the webhook triggers (canceling the runs they wait for), then
   * the runs service (canceling the rest and waiting for them), and releases the receivers' connections.
   */
  stop(): Promise<void>;
}

export interface ServeOptions {
  /** Retried and resolved error records older than this are removed, hourly (default 30d). */
  readonly errorRetention?: string;
}

export interface ServiceDeps {
  readonly project: ProjectDefinition;
  readonly store: StateStore;
  readonly engine: Engine;
  /** The project's runs service: every start (schedule, webhook, request, auto-retry) is a request to it. */
  readonly runs: RunService;
  readonly tokens: Pick<Tokens, 'ensure' | 'verify'>;
  readonly inbox: InboxWriter;
  readonly clock: Clock;
  readonly log: Logger;
}

/**
 * Prepares a project to be served: starts its runs service, its schedules (the engine's scheduler,
 * whose ticks are run requests), a webhook trigger on each webhook flow's opened receiver (a
 * micro-batch of persisted events is a `webhook` request, waited for), the housekeeping timers, and
 * the API token of the control routes (created at the first start). When one of them cannot start,
 * what was started is stopped again and the error thrown.
 */
export async function createService(deps: ServiceDeps, options: ServeOptions = {}): Promise<Service> {
  const { project, engine, runs, clock, log } = deps;
  // a wrong --error-retention is refused before anything starts
  const housekeeping: Housekeeping = createHousekeeping({
    project,
    store: deps.store,
    engine,
    runs,
    clock,
    log,
    ...(options.errorRetention === undefined ? {} : { errorRetention: options.errorRetention }),
  });
  const receivers: { release(): Promise<void> }[] = [];
  const triggers: EventTrigger[] = [];
  let scheduler: Scheduler | undefined;
  let started = false;
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      await scheduler?.stop().catch(() => undefined);
      if (started) await housekeeping.stop().catch(() => undefined);
      // the triggers cancel the runs they wait for; the runs service cancels the rest and waits for them
      await Promise.all(triggers.map((t) => t.stop()));
      await runs.stop();
      for (const r of receivers) await r.release().catch(() => undefined);
    })();
    return stopping;
  };

  runs.start();
  try {
    const webhookFlows = Object.keys(project.flows).filter((f) => engine.receivesEvents(project, f));
    const hooks = new Map<string, WebhookHook>();
    for (const flow of webhookFlows) {
      const opened = await engine.openReceiver(project, flow);
      receivers.push(opened);
      const trigger = createEventTrigger({
        project,
        flow,
        receiver: opened.receiver,
        store: deps.store,
        clock,
        log,
        request: async ({ flow: f, trigger: how, signal }) =>
          headOf(await runs.requestAndWait({ flow: f, trigger: how }, { signal })),
      });
      triggers.push(trigger);
      hooks.set(flow, { flow, receiver: opened.receiver, notify: () => trigger.notify() });
    }
    const schedules = createScheduler({
      project,
      clock,
      log,
      request: async (flow, trigger) => (await runs.request({ flow, trigger })).outcome,
    });
    scheduler = schedules;
    // the flows without webhooks and every sync: each run on its schedule or on request
    const plain = [...Object.keys(project.flows).filter((f) => !hooks.has(f)), ...Object.keys(project.syncs ?? {})];
    const scheduleOf = (name: string) => project.flows[name] ?? project.syncs?.[name];
    // the first start creates the API token of the control routes; only its hash is stored
    const newToken = await deps.tokens.ensure();
    return {
      hooks,
      flows: {
        list: () =>
          plain.map((flow) => ({
            flow,
            schedule: scheduleOf(flow)?.schedule ?? null,
            timezone: scheduleOf(flow)?.timezone ?? null,
            nextRun: schedules.nextRun(flow),
          })),
        trigger: async (flow) => (await runs.request({ flow, trigger: 'manual' })).outcome,
      },
      newToken,
      verifyToken: (token) => deps.tokens.verify(token),
      inbox: deps.inbox,
      async start() {
        if (started || stopping) return;
        started = true;
        for (const trigger of triggers) await trigger.start();
        housekeeping.start();
      },
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A webhook trigger waits for the whole pipeline (a flow and its `next:` stages) and watches the first run. */
function headOf(chain: RunRow[]): RunRow {
  const head = chain[0];
  if (!head) throw new FlowError('CANCELED', 'the run was canceled before it started');
  return head;
}
