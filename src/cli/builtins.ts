import { type Catalog, notifyConfigSchema } from '../app/index.js';
import { fileConnector } from '../connectors/file/index.js';
import { httpConnector } from '../connectors/http/index.js';
import { mysqlConnector } from '../connectors/mysql/index.js';
import { postgresConnector } from '../connectors/postgres/index.js';
import { sqliteConnector } from '../connectors/sqlite/index.js';
import { webhookConnector } from '../connectors/webhook/index.js';
import type { Connector } from '../sdk/index.js';
import { builtinSteps } from '../steps/index.js';

/** What the `syncline` command registers: every bundled connector and step, listed explicitly. */
export const builtinConnectors: readonly Connector[] = [
  fileConnector,
  sqliteConnector,
  postgresConnector,
  mysqlConnector,
  httpConnector,
  webhookConnector,
];
export { builtinSteps };
export const builtinCatalog: Catalog = {
  connectors: builtinConnectors,
  steps: builtinSteps,
  notify: notifyConfigSchema,
};
