import { createSyncline, type ProjectDefinition } from '../app/index.js';
import type { StateStore } from '../store/state-store.js';
import { builtinCatalog } from './builtins.js';
import type { CliRedaction } from './cli-redaction.js';

/**
 * Loads a flow file with the bundled connectors and stored secrets (app.projects.load) over a store
 * the caller opened: for `run` and `serve` until they go through the app.
 */
export function loadFlowFile(
  file: string,
  store: StateStore,
  redaction?: CliRedaction,
  /** Only these flows (and their pipelines) are checked and returned. */
  flows?: readonly string[],
): Promise<ProjectDefinition> {
  const app = createSyncline({ store, catalog: builtinCatalog, ...(redaction ? { redaction } : {}) });
  return app.projects.load(file, flows === undefined ? {} : { flows });
}
