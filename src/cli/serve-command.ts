import { hostname } from 'node:os';
import { FlowError, systemClock } from '../sdk/index.js';
import { createServer } from '../server/index.js';
import { createCliLogger } from './cli-logger.js';
import type { CliRedaction } from './cli-redaction.js';
import { openApp } from './open-app.js';

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
  const app = await openApp({ db: options.db, file }, { redaction: options.redaction, logLevel: 'info' });
  const log = createCliLogger('info', options.redaction);
  // listen for the stop signals first: one may come as soon as the address is printed
  const stopped = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  try {
    const project = await app.projects.load(file);
    // the runs service, schedules, webhook triggers, housekeeping and API token (src/app/service.ts)
    const service = await app.serve(
      project,
      options.errorRetention === undefined ? {} : { errorRetention: options.errorRetention },
    );
    const server = createServer({
      hooks: service.hooks,
      allowHosts: allowedHosts(options),
      verifyToken: (t) => service.verifyToken(t),
      inbox: service.inbox,
      clock: systemClock,
      log,
      flows: service.flows,
    });
    const address = await server.listen({ host: options.host, port: options.port }).catch((cause: unknown) => {
      throw new FlowError('CONNECTION_FAILED', `cannot listen on ${options.host}:${options.port}: ${String(cause)}`, {
        hint: 'Pick another port with --port, or stop the process that holds this one.',
      });
    });
    if (service.newToken !== undefined) {
      process.stdout.write(
        `syncline serve: API token (shown only now; send it as Authorization: Bearer <token>): ${service.newToken}\n` +
          '  lost it? `syncline token rotate` prints a new one and the old one stops working\n',
      );
    }
    process.stdout.write(`syncline serve: listening on ${address}\n`);
    for (const flow of service.hooks.keys()) process.stdout.write(`  POST ${address}/hooks/${flow}  → flow ${flow}\n`);
    for (const f of service.flows.list()) {
      const when = f.schedule
        ? `schedule "${f.schedule}"${f.timezone ? ` (${f.timezone})` : ''}, next ${f.nextRun?.toISOString()}`
        : 'on request';
      process.stdout.write(`  flow ${f.flow}: ${when}; run now: POST ${address}/flows/${f.flow}/runs\n`);
    }
    await service.start();
    await stopped;
    process.stdout.write('syncline serve: stopping (finishing the current pages)…\n');
    await server.close();
    return 0; // the schedules, triggers, runs and connections stop below
  } finally {
    await app.close(); // stops the service, sends waiting notifications, closes the store
  }
}
