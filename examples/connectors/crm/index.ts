import { defineConnector } from '../../../src/sdk/index.js';
import { checkCrmConnection, closeCrmConnection, crmConnectionConfig, openCrmConnection } from './connection.js';
import { contactsDestination } from './contacts-destination.js';
import { contactsSource } from './contacts-source.js';
import { crmErrors } from './error-codes.js';

export { crmErrors } from './error-codes.js';

/** The example CRM (docs/connectors/writing-a-connector.md): contacts in, contacts out, over the HTTP kit. */
export const crmConnector = defineConnector({
  name: 'crm',
  description: 'The example CRM API (contacts; `syncline emulate crm` runs one locally)',
  connection: crmConnectionConfig,
  open: openCrmConnection,
  check: checkCrmConnection,
  close: closeCrmConnection,
  sources: [contactsSource],
  destinations: [contactsDestination],
  errors: [crmErrors],
});
