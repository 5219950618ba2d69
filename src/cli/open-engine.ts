import type { StoreLocation } from '../app/index.js';
import { openSyncline } from '../app/index.js';
import type { Engine } from '../engine/index.js';
import { noRedaction, type Redactor } from '../sdk/index.js';
import { builtinCatalog } from './builtins.js';
import { createCliLogger } from './cli-logger.js';

/**
 * Opens the state store (`--db`, else SYNCLINE_DB, else .syncline/syncline.db beside the flow file) and
 * the app's engine over it, logging through `redactor`: for `run` and `serve` until they go through the app.
 */
export async function openEngine(
  where: StoreLocation,
  logLevel?: string,
  redactor: Redactor = noRedaction,
): Promise<Engine> {
  const app = await openSyncline(where, { catalog: builtinCatalog, log: createCliLogger(logLevel, redactor) });
  return app.engine();
}
