import { hostname } from 'node:os';
import { createHousekeeping } from '../app/housekeeping.js';
import { createInProcessQueue } from '../app/in-process-queue.js';
import { createInboxWriter } from '../app/index.js';
import { subscribeNotifications } from '../app/notifications.js';
import { createRunService, type RunService } from '../app/runs.js';
import { createEventTrigger, createScheduler, type EventTrigger, type OpenReceiver } from '../engine/index.js';
import { FlowError, systemClock } from '../sdk/index.js';
import { ensureApiToken, verifyApiToken } from '../security/api-tokens.js';
import { createServer, type Hook } from '../server/create-server.js';
import type { RunRow } from '../store/state-store.js';
import { createCliLogger } from './cli-logger.js';
import type { CliRedaction } from './cli-redaction.js';
import { loadFlowFile } from './load-project.js';
import { openEngine } from './open-engine.js';

export interface ServeOptions {
  db?: string;
  host: string;
  port: number;
  /** Retried and resolved error records older than this are removed, hourly (default 30d). */
  errorRetention?: string;
  /** Host names the server answers to besides IP addresses, localhost and this machine's name. */
  allowHost?: string[];
  /** Masks the file's secrets in logs and output. */
  redaction?: CliRedaction;
}

/** Names a request's Host header may carry: the bound name (unless a wildcard), this machine's, the allowed ones. */
function allowedHosts(options: ServeOptions): string[] {
  const bound = ['0.0.0.0', '::', ''].includes(options.host) ? [] : [options.host];
  return [...bound, hostname(), ...(options.allowHost ?? [])];
}

/**
 * `syncline serve <file>`: runs the file's flows as a service — webhooks for every flow whose source
 * is `webhook.events` (micro-batches as events arrive; events left from a crash are handled at start),
 * cron schedules for flows with `schedule:`, and `POST /flows/<flow>/runs` to start any other flow now.
 * Runs of one flow never overlap. SIGINT/SIGTERM stop cleanly.
 */
export async function serveCommand(file: string, options: ServeOptions): Promise<number> {
  const engine = await openEngine({ db: options.db, file }, 'info', options.redaction);
  const log = createCliLogger('info', options.redaction);
  // listen for the stop signals first: one may come as soon as the address is printed
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const receivers: OpenReceiver[] = [];
  const stops: (() => Promise<void>)[] = [];
  const triggers: EventTrigger[] = [];
  let runs: RunService | undefined;
  try {
    const project = await loadFlowFile(file, engine.store, options.redaction);
    subscribeNotifications(engine.events, { project, clock: systemClock, log }); // flushed when the engine closes
    // every start of a run is a request to the run queue; the worker runs them (src/app/runs.ts)
    runs = createRunService({
      queue: createInProcessQueue(),
      project,
      store: engine.store,
      clock: systemClock,
      log,
      host: hostname(),
      pid: process.pid,
      events: engine.events,
      run: (p, f, o) => engine.run(p, f, o),
    });
    const service = runs;
    const housekeeping = createHousekeeping({
      project,
      store: engine.store,
      engine,
      runs: service,
      clock: systemClock,
      log,
      ...(options.errorRetention === undefined ? {} : { errorRetention: options.errorRetention }),
    });
    service.start();
    const flows = Object.keys(project.flows).filter((f) => engine.receivesEvents(project, f));
    const hooks = new Map<string, Hook>();
    for (const flow of flows) {
      const opened = await engine.openReceiver(project, flow);
      receivers.push(opened);
      const trigger = createEventTrigger({
        project,
        flow,
        receiver: opened.receiver,
        store: engine.store,
        clock: systemClock,
        log,
        request: async ({ flow: f, trigger: how, signal }) =>
          headOf(await service.requestAndWait({ flow: f, trigger: how }, { signal })),
      });
      triggers.push(trigger);
      hooks.set(flow, { flow, receiver: opened.receiver, notify: () => trigger.notify() });
    }
    const scheduler = createScheduler({
      project,
      clock: systemClock,
      log,
      request: async (flow, trigger) => (await service.request({ flow, trigger })).outcome,
    });
    stops.push(() => scheduler.stop());
    const plain = Object.keys(project.flows).filter((f) => !flows.includes(f));
    // the first start creates the API token of the control routes; only its hash is stored
    const token = await ensureApiToken(engine.store, systemClock.now());
    const app = createServer({
      hooks,
      allowHosts: allowedHosts(options),
      verifyToken: async (t) => (await verifyApiToken(engine.store, t)) !== undefined,
      inbox: createInboxWriter(engine.store),
      clock: systemClock,
      log,
      flows: {
        list: () =>
          plain.map((flow) => ({
            flow,
            schedule: project.flows[flow]?.schedule ?? null,
            timezone: project.flows[flow]?.timezone ?? null,
            nextRun: scheduler.nextRun(flow),
          })),
        trigger: async (flow) => (await service.request({ flow, trigger: 'manual' })).outcome,
      },
    });
    const address = await app.listen({ host: options.host, port: options.port }).catch((cause: unknown) => {
      throw new FlowError('CONNECTION_FAILED', `cannot listen on ${options.host}:${options.port}: ${String(cause)}`, {
        hint: 'Pick another port with --port, or stop the process that holds this one.',
      });
    });
    if (token !== undefined) {
      process.stdout.write(
        `syncline serve: API token (shown only now; send it as Authorization: Bearer <token>): ${token}\n` +
          '  lost it? `syncline token rotate` prints a new one and the old one stops working\n',
      );
    }
    process.stdout.write(`syncline serve: listening on ${address}\n`);
    for (const flow of flows) process.stdout.write(`  POST ${address}/hooks/${flow}  → flow ${flow}\n`);
    for (const flow of plain) {
      const def = project.flows[flow];
      const when = def?.schedule
        ? `schedule "${def.schedule}"${def.timezone ? ` (${def.timezone})` : ''}, next ${scheduler.nextRun(flow)?.toISOString()}`
        : 'on request';
      process.stdout.write(`  flow ${flow}: ${when}; run now: POST ${address}/flows/${flow}/runs\n`);
    }
    for (const trigger of triggers) await trigger.start();
    housekeeping.start();
    stops.push(() => housekeeping.stop());
    await stopped;
    process.stdout.write('syncline serve: stopping (finishing the current pages)…\n');
    await app.close();
    return 0; // the schedules, triggers and connections stop below
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    // the triggers cancel the runs they wait for; the run service cancels the rest and waits for them
    await Promise.all(triggers.map((t) => t.stop()));
    await runs?.stop();
    for (const r of receivers) await r.release().catch(() => undefined);
    await engine.close();
    await engine.store.close();
  }
}

/** A webhook trigger waits for the whole pipeline (a flow and its `next:` stages) and watches the first run. */
function headOf(chain: RunRow[]): RunRow {
  const head = chain[0];
  if (!head) throw new FlowError('CANCELED', 'the run was canceled before it started');
  return head;
}
