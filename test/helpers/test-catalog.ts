import type { Catalog } from '../../src/config/catalog.js';
import { fileConnector } from '../../src/connectors/file/index.js';
import { sqliteConnector } from '../../src/connectors/sqlite/index.js';
import { builtinSteps } from '../../src/steps/index.js';

/** A catalog handed to the app in tests: the file and sqlite connectors (no servers) and the built-in steps. */
export const testCatalog: Catalog = { connectors: [fileConnector, sqliteConnector], steps: builtinSteps };
