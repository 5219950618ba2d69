import { createEngine, type Engine } from '../engine/index.js';
import { noRedaction, type Redactor } from '../sdk/index.js';
import { builtinConnectors, builtinSteps } from './builtins.js';
import { createCliLogger } from './cli-logger.js';
import { lazyTokenStore } from './lazy-token-store.js';
import { type CliStoreOptions, openCliStore } from './open-cli-store.js';

/**
 * Opens the state store (`--db`, else SYNCLINE_DB, else .syncline/syncline.db beside the flow file) and an
 * engine over it, logging through `redactor` (the command's CliRedaction).
 */
export async function openEngine(
  where: CliStoreOptions,
  logLevel?: string,
  redactor: Redactor = noRedaction,
): Promise<Engine> {
  const store = await openCliStore(where);
  return createEngine({
    connectors: builtinConnectors,
    steps: builtinSteps,
    store,
    log: createCliLogger(logLevel, redactor),
    tokens: lazyTokenStore(store),
  });
}
