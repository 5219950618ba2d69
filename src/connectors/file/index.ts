import { defineConnector } from '../../sdk/index.js';
import { checkFileConnection, closeFileConnection, fileConnectionConfig, openFileConnection } from './connection.js';
import { csvDestination } from './csv-destination.js';
import { csvSource } from './csv-source.js';
import { fileErrors } from './error-codes.js';
import { jsonDestination } from './json-destination.js';
import { jsonSource } from './json-source.js';
import { jsonlDestination } from './jsonl-destination.js';
import { jsonlSource } from './jsonl-source.js';

export type { FileConnection } from './connection.js';

/** Files in a folder: CSV, JSON Lines and JSON arrays, read as streams and written atomically. */
export const fileConnector = defineConnector({
  name: 'file',
  description: 'CSV, JSON Lines and JSON files in a folder',
  connection: fileConnectionConfig,
  open: openFileConnection,
  check: checkFileConnection,
  // a destination creates its folder, and a source names the file it cannot read: no check at run start
  checkAtRunStart: () => false,
  close: closeFileConnection,
  sources: [csvSource, jsonlSource, jsonSource],
  destinations: [csvDestination, jsonlDestination, jsonDestination],
  errors: [fileErrors],
});
