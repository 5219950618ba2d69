import { httpErrors } from '../../kit/index.js';
import { defineConnector } from '../../sdk/index.js';
import { checkHttpConnection, closeHttpConnection, httpConnectionConfig, openHttpConnection } from './connection.js';
import { httpConnectorErrors } from './error-codes.js';
import { httpLookupStep } from './lookup-step.js';
import { requestDestination } from './request-destination.js';
import { requestSource } from './request-source.js';

export type { AuthParts, AuthProvider, HttpRequest, HttpResponse } from '../../kit/index.js';
export { sendRequest } from '../../kit/index.js';
export type { HttpAuthConfig } from './auth.js';
export type { HttpConnection, HttpConnectionConfig } from './connection.js';

/** REST APIs over native fetch: a paginated request source, a request destination (record or batch), a lookup step. */
export const httpConnector = defineConnector({
  name: 'http',
  description: 'A REST API (JSON over HTTP)',
  connection: httpConnectionConfig,
  open: openHttpConnection,
  check: checkHttpConnection,
  // `GET /` answers 2xx on few APIs: a run checks only a connection whose `checkPath` is set
  checkAtRunStart: (connection) => connection.checkAtRunStart,
  close: closeHttpConnection,
  sources: [requestSource],
  destinations: [requestDestination],
  steps: [httpLookupStep],
  errors: [httpErrors, httpConnectorErrors],
});
