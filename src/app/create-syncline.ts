import { hostname } from 'node:os';
import type { Catalog } from '../config/catalog.js';
import type { ProjectDefinition } from '../config/definition.js';
import type { Env } from '../config/index.js';
import { createEngine, type Engine, type RunEvents } from '../engine/index.js';
import { createInProcessQueue, type RunQueue } from '../queue/index.js';
import {
  type Clock,
  errorRegistry,
  FlowError,
  type Logger,
  type RenderAction,
  silentLogger,
  systemClock,
} from '../sdk/index.js';
import { loadMasterKey, warnOnStderr } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';
import { type Connections, createConnections } from './connections.js';
import { createErrors, type Errors } from './errors.js';
import { createInboxWriter, type InboxWriter } from './inbox-writer.js';
import { lazyTokenStore } from './lazy-token-store.js';
import { subscribeNotifications } from './notifications.js';
import { createPreview, type Preview } from './preview.js';
import { createProjects, type Projects, type RedactionSink } from './projects.js';
import { createReturnedIds, type ReturnedIds } from './returned-ids.js';
import { createRunHistory, type RunHistory } from './run-history.js';
import { createRunService, type RunService } from './runs.js';
import { createSecrets, type Secrets } from './secrets.js';
import { createService, type ServeOptions, type Service } from './service.js';
import { createStatus, type Status } from './status.js';
import type { MasterKeyLoader } from './stored-secrets.js';
import { createSyncs, type Syncs } from './syncs.js';
import { createTokens, type Tokens } from './tokens.js';
import { createValidate, type Validate } from './validate.js';

export interface SynclineOptions {
  readonly store: StateStore;
  /** The connectors, steps and notification channels flow files may use (the CLI hands in the bundled ones). */
  readonly catalog: Catalog;
  /** Where run requests wait for the worker (default: the in-process queue, src/queue/in-process-queue.ts). */
  readonly queue?: RunQueue;
  readonly clock?: Clock;
  readonly log?: Logger;
  /**
   * Writes the next steps notifications name (the CLI hands its command lines, src/cli/action-command.ts);
   * default the neutral text of each action (`errors.list flow=orders status=open`).
   */
  readonly renderAction?: RenderAction;
  /** Receives the redactor of every flow file loaded, so what the caller prints masks its secrets. */
  readonly redaction?: RedactionSink;
  /** Where `${env:X}` and SYNCLINE_SECRET_X / SYNCLINE_MASTER_KEY* are read (default: process.env). */
  readonly env?: Env;
  /** The master key that seals secrets (default: SYNCLINE_MASTER_KEY, else the key file; see loadMasterKey). */
  readonly masterKey?: MasterKeyLoader;
}

/** The use cases of Syncline, over one state store: what the CLI and the HTTP server call. */
export interface Syncline {
  readonly projects: Projects;
  readonly errors: Errors;
  readonly status: Status;
  /** Bi-directional syncs: their conflicts, links and pending deletes for review, and their status. */
  readonly syncs: Syncs;
  readonly secrets: Secrets;
  readonly tokens: Tokens;
  readonly connections: Connections;
  /** `syncline ids`: the ids destinations returned for a run's records. */
  readonly returnedIds: ReturnedIds;
  /** `syncline runs`: the runs recorded. */
  readonly runHistory: RunHistory;
  readonly preview: Preview;
  readonly validate: Validate;
  /** The webhook inbox's writer (the HTTP server's one store port): events group-committed. */
  readonly inbox: () => InboxWriter;
  /**
   * The runs service of a loaded project over the app's run queue (request, wait, cancel, pending), its
   * worker started; made on the first call. One project per app: the queue has one worker.
   */
  runs(project: ProjectDefinition): RunService;
  /**
   * `syncline serve` as a use case: the project's runs service, schedules, webhook triggers and
   * receivers, housekeeping timers and API token, ready for an HTTP transport (see service.ts).
   */
  serve(project: ProjectDefinition, options?: ServeOptions): Promise<Service>;
  /** The run events (`run.started`, `run.progress`, `page.committed`, `run.ended`, …) of this app's runs. */
  readonly events: Pick<RunEvents, 'subscribe'>;
  /** The engine over the store, made on first use (tests; callers use the services). */
  readonly engine: () => Engine;
  /** Stops the runs service, sends waiting error notifications and releases the engine; the store stays open (it is the caller's). */
  close(): Promise<void>;
}

export function createSyncline(options: SynclineOptions): Syncline {
  const { store, catalog } = options;
  const clock = options.clock ?? systemClock;
  const log = options.log ?? silentLogger;
  const env = options.env ?? process.env;
  const masterKey: MasterKeyLoader =
    options.masterKey ?? ((create) => loadMasterKey({ create, env, warn: warnOnStderr }));
  let made: Engine | undefined;
  const engine = () => {
    made ??= createEngine({
      connectors: catalog.connectors,
      steps: catalog.steps,
      store,
      clock,
      log,
      tokens: lazyTokenStore(store, masterKey),
    });
    return made;
  };
  const registry = () => engine().registry;
  const errorCodes = errorRegistry(catalog.connectors);
  let inbox: InboxWriter | undefined;
  const loader = createProjects({ store, catalog, env, masterKey, redaction: options.redaction });
  // every flow file loaded is notified of: its runs' failures and failed runs reach its `notify:` channels
  const notified = new Set<string>();
  const projects: Projects = {
    async load(file, loadOptions) {
      const project = await loader.load(file, loadOptions);
      if (!notified.has(project.file)) {
        notified.add(project.file);
        subscribeNotifications(engine().events, {
          project,
          clock,
          log,
          errors: errorCodes,
          ...(options.renderAction === undefined ? {} : { render: options.renderAction }),
        });
      }
      return project;
    },
  };
  const queue = options.queue ?? createInProcessQueue();
  let runService: { file: string; service: RunService } | undefined;
  const runs = (project: ProjectDefinition): RunService => {
    if (runService) {
      if (runService.file === project.file) return runService.service;
      throw new FlowError('CONFIG_INVALID', `this app runs the flows of ${runService.file}, not of ${project.file}`);
    }
    const made = engine();
    // every start of a run is a request to the run queue; the worker runs them (runs.ts)
    const service = createRunService({
      queue,
      project,
      store,
      clock,
      log,
      host: hostname(),
      pid: process.pid,
      events: made.events,
      run: (p, f, o) => made.run(p, f, o),
    });
    service.start();
    runService = { file: project.file, service };
    return service;
  };
  const served: Service[] = [];
  const tokens = createTokens({ store, clock });
  const syncs = createSyncs({ store, projects, clock });
  const inboxWriter = () => {
    inbox ??= createInboxWriter(store);
    return inbox;
  };
  return {
    projects,
    errors: createErrors({ store, projects, clock, engine, runs }),
    status: createStatus({ store, engine, syncs }),
    syncs,
    secrets: createSecrets({ store, masterKey }),
    tokens,
    connections: createConnections({ projects, registry }),
    returnedIds: createReturnedIds({ store }),
    runHistory: createRunHistory({ store }),
    preview: createPreview({ projects, engine }),
    validate: createValidate({ projects, registry }),
    inbox: inboxWriter,
    runs,
    serve: async (project, serveOptions) => {
      const service = await createService(
        { project, store, engine: engine(), runs: runs(project), tokens, inbox: inboxWriter(), clock, log },
        serveOptions,
      );
      served.push(service);
      return service;
    },
    events: { subscribe: (listener, subscribeOptions) => engine().events.subscribe(listener, subscribeOptions) },
    engine,
    close: async () => {
      for (const service of served) await service.stop();
      await runService?.service.stop();
      await made?.close();
    },
  };
}
