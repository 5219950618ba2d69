import { createEngine, type Engine } from '../engine/index.js';
import { noRedaction, type Redactor } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { builtinConnectors, builtinSteps } from './builtins.js';
import { createCliLogger } from './cli-logger.js';
import { lazyTokenStore } from './lazy-token-store.js';

/**
 * Opens the state store (`--db`, else SYNCLINE_DB, else ./.syncline/syncline.db) and an engine over it,
 * logging through `redactor` (the command's CliRedaction).
 */
export async function openEngine(
  db: string | undefined,
  logLevel?: string,
  redactor: Redactor = noRedaction,
): Promise<Engine> {
  const store = await openStore(db);
  return createEngine({
    connectors: builtinConnectors,
    steps: builtinSteps,
    store,
    log: createCliLogger(logLevel, redactor),
    tokens: lazyTokenStore(store),
  });
}
