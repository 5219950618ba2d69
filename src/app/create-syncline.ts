import type { Catalog } from '../config/catalog.js';
import type { Env } from '../config/index.js';
import { createEngine, type Engine } from '../engine/index.js';
import { type Clock, type Logger, silentLogger, systemClock } from '../sdk/index.js';
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
import { createSecrets, type Secrets } from './secrets.js';
import { createStatus, type Status } from './status.js';
import type { MasterKeyLoader } from './stored-secrets.js';
import { createTokens, type Tokens } from './tokens.js';
import { createValidate, type Validate } from './validate.js';

export interface SynclineOptions {
  readonly store: StateStore;
  /** The connectors, steps and notification channels flow files may use (the CLI hands in the bundled ones). */
  readonly catalog: Catalog;
  readonly clock?: Clock;
  readonly log?: Logger;
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
   * The engine over the store, made on first use. For the run and serve commands until runs are
   * requested through the app; other callers use the services.
   */
  readonly engine: () => Engine;
  /** Sends waiting error notifications and releases the engine; the store stays open (it is the caller's). */
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
  let inbox: InboxWriter | undefined;
  const loader = createProjects({ store, catalog, env, masterKey, redaction: options.redaction });
  // every flow file loaded is notified of: its runs' failures and failed runs reach its `notify:` channels
  const notified = new Set<string>();
  const projects: Projects = {
    async load(file, loadOptions) {
      const project = await loader.load(file, loadOptions);
      if (!notified.has(project.file)) {
        notified.add(project.file);
        subscribeNotifications(engine().events, { project, clock, log });
      }
      return project;
    },
  };
  return {
    projects,
    errors: createErrors({ store, projects, clock, engine }),
    status: createStatus({ store, engine }),
    secrets: createSecrets({ store, masterKey }),
    tokens: createTokens({ store, clock }),
    connections: createConnections({ projects, registry }),
    returnedIds: createReturnedIds({ store }),
    runHistory: createRunHistory({ store }),
    preview: createPreview({ projects, engine }),
    validate: createValidate({ projects, registry }),
    inbox: () => {
      inbox ??= createInboxWriter(store);
      return inbox;
    },
    engine,
    close: async () => {
      await made?.close();
    },
  };
}
