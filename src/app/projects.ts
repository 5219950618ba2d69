import { resolve } from 'node:path';
import type { Catalog } from '../config/catalog.js';
import type { ProjectDefinition } from '../config/definition.js';
import { type Env, loadProject } from '../config/index.js';
import type { Redactor } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import { type MasterKeyLoader, storedSecretsAsEnv } from './stored-secrets.js';

/** Where the redactors of loaded flow files go (the CLI's CliRedaction masks what the command prints). */
export interface RedactionSink {
  add(redactor: Redactor | undefined): void;
}

export interface Projects {
  /**
   * Loads and validates a flow file with the catalog handed to the app. `${secret:NAME}` reads the
   * secrets stored in the store (decrypted in memory only) and SYNCLINE_SECRET_NAME (which wins).
   * From then on the redaction sink masks the file's resolved secret and env values.
   * `flows`: only these flows (and their pipelines) are checked and returned.
   */
  load(file: string, options?: { flows?: readonly string[] }): Promise<ProjectDefinition>;
}

export interface ProjectsDeps {
  readonly store: StateStore;
  readonly catalog: Catalog;
  readonly env: Env;
  readonly masterKey: MasterKeyLoader;
  readonly redaction?: RedactionSink | undefined;
}

export function createProjects(deps: ProjectsDeps): Projects {
  return {
    async load(file, options = {}) {
      const secrets = await storedSecretsAsEnv(deps.store, deps.masterKey);
      const project = await loadProject(resolve(file), deps.catalog, {
        env: { ...secrets, ...deps.env },
        ...(options.flows === undefined ? {} : { flows: options.flows }),
      });
      deps.redaction?.add(project.redactor);
      return project;
    },
  };
}
