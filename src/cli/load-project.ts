import { resolve } from 'node:path';
import type { ProjectDefinition } from '../config/definition.js';
import { loadProject } from '../config/index.js';
import type { StateStore } from '../store/state-store.js';
import { builtinCatalog } from './builtins.js';
import type { CliRedaction } from './cli-redaction.js';
import { storedSecretsAsEnv } from './stored-secrets.js';

/**
 * Loads and validates a flow file with the bundled connectors and steps. `${secret:NAME}` reads the
 * secrets stored in `store` (decrypted in memory only) and SYNCLINE_SECRET_NAME (which wins). From
 * then on, `redaction` masks the file's resolved secret and env values in what the command logs and prints.
 */
export async function loadFlowFile(
  file: string,
  store?: StateStore,
  redaction?: CliRedaction,
  /** Only these flows (and their pipelines) are checked and returned: see ProjectOptions.flows. */
  flows?: readonly string[],
): Promise<ProjectDefinition> {
  const secrets = store ? await storedSecretsAsEnv(store) : {};
  const project = await loadProject(resolve(file), builtinCatalog, {
    env: { ...secrets, ...process.env },
    ...(flows === undefined ? {} : { flows }),
  });
  redaction?.add(project.redactor);
  return project;
}
