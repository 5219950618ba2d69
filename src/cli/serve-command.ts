import { hostname } from 'node:os';
import { createInboxWriter } from '../app/index.js';
import type { ProjectDefinition } from '../config/definition.js';
import {
  createEventTrigger,
  createScheduler,
  type Engine,
  type EventTrigger,
  type OpenReceiver,
} from '../engine/index.js';
import { FlowError, type Logger, parseDuration, systemClock } from '../sdk/index.js';
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
  const timers: NodeJS.Timeout[] = [];
  const stops: (() => Promise<void>)[] = [];
  const triggers: EventTrigger[] = [];
  try {
    const project = await loadFlowFile(file, engine.store, options.redaction);
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
        run: (p, f, o) => headOf(engine.runChain(p, f, o)),
      });
      triggers.push(trigger);
      hooks.set(flow, { flow, receiver: opened.receiver, notify: () => trigger.notify() });
    }
    const scheduler = createScheduler({
      project,
      store: engine.store,
      clock: systemClock,
      log,
      host: hostname(),
      pid: process.pid,
      run: (p, f, o) => headOf(engine.runChain(p, f, o)),
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
        trigger: (flow) => scheduler.trigger(flow, 'manual'),
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
    timers.push(...scheduleAutoRetry(engine, project, log));
    timers.push(scheduleRetention(engine, options.errorRetention ?? '30d', log));
    await stopped;
    process.stdout.write('syncline serve: stopping (finishing the current pages)…\n');
    await app.close();
    return 0; // the schedules, triggers and connections stop below
  } finally {
    for (const stop of stops) await stop().catch(() => undefined);
    for (const t of timers) clearInterval(t);
    await Promise.all(triggers.map((t) => t.stop()));
    for (const r of receivers) await r.release().catch(() => undefined);
    await engine.close();
    await engine.store.close();
  }
}

/**
 * Every flow of the file retries its transiently failed error records on a schedule (`autoRetry:`,
 * default every 15 minutes, up to 5 attempts in all); one round at a time per flow.
 */
function scheduleAutoRetry(engine: Engine, project: ProjectDefinition, log: Logger): NodeJS.Timeout[] {
  const timers: NodeJS.Timeout[] = [];
  for (const flow of Object.values(project.flows)) {
    const o = flow.autoRetry ?? {};
    if (o.enabled === false) continue;
    const every = parseDuration(o.every ?? '15m') ?? 900_000;
    let busy = false;
    const timer = setInterval(() => {
      if (busy) return;
      busy = true;
      engine
        .autoRetry(project, flow.name, { maxAttempts: o.maxAttempts ?? 5 })
        .then((r) => {
          if (r.tried > 0) log.info({ flow: flow.name, ...r }, 'automatic retry of transient failures');
        })
        .catch((error: unknown) => log.error({ flow: flow.name, error: String(error) }, 'automatic retry failed'))
        .finally(() => {
          busy = false;
        });
    }, every);
    timer.unref();
    timers.push(timer);
  }
  return timers;
}

/** Retention of the error store: every hour (and once at start), retried and resolved records past the span go. */
function scheduleRetention(engine: Engine, span: string, log: Logger): NodeJS.Timeout {
  const ms = parseDuration(span);
  if (ms === undefined) {
    throw new FlowError('CONFIG_INVALID', `--error-retention "${span}" is not a span`, {
      hint: 'write e.g. 30d or 12h',
    });
  }
  const purge = () => {
    engine.store
      .purgeErrors(new Date(Date.now() - ms))
      .then((n) => {
        if (n > 0)
          log.info({ removed: n, retention: span }, 'removed retried and resolved error records past retention');
      })
      .catch((error: unknown) => log.error({ error: String(error) }, 'error retention failed'));
  };
  purge();
  const timer = setInterval(purge, 3_600_000);
  timer.unref();
  return timer;
}

/** Triggers run whole pipelines (a flow and its `next:` stages); they watch the first run. */
async function headOf(chain: Promise<RunRow[]>): Promise<RunRow> {
  return (await chain)[0] as RunRow;
}
