import { openSyncline, type StoreLocation, type Syncline } from '../app/index.js';
import { actionCommand } from './action-command.js';
import { builtinCatalog } from './builtins.js';
import { createCliLogger } from './cli-logger.js';
import type { CliRedaction } from './cli-redaction.js';

/**
 * The app over the command's state store (`--db`, else SYNCLINE_DB, else .syncline/syncline.db beside
 * the flow file), with the bundled connectors and steps; logs to stderr and masks the secrets of every
 * flow file it loads through `redaction`. Closing it closes the store.
 */
export function openApp(
  where: StoreLocation,
  options: { redaction?: CliRedaction | undefined; logLevel?: string } = {},
): Promise<Syncline> {
  return openSyncline(where, {
    catalog: builtinCatalog,
    renderAction: actionCommand,
    log: createCliLogger(options.logLevel, options.redaction),
    ...(options.redaction ? { redaction: options.redaction } : {}),
  });
}

/** Opens the app, runs `use` with it and closes it (and its store) whatever happens. */
export async function withApp<T>(
  where: StoreLocation,
  options: { redaction?: CliRedaction | undefined; logLevel?: string },
  use: (app: Syncline) => Promise<T>,
): Promise<T> {
  const app = await openApp(where, options);
  try {
    return await use(app);
  } finally {
    await app.close();
  }
}
