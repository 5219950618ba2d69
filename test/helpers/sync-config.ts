import { parseProject } from '../../src/config/parse-project.js';
import { type FlowError, FlowErrors } from '../../src/sdk/index.js';
import { syncTestCatalog } from './sync-test-catalog.js';

export const FILE = '/work/flows/sync.yaml';

export const CONNECTIONS = `connections:
  crm: { type: db, tables: { customers: [id, email, full_name, phone, status, tier, notes, updated_at, deleted_at] } }
  erp: { type: db, tables: { clients: [client_no, email_address, name, phone, status, tier, notes, modified] } }
  files: { type: files, dir: . }
`;

export function parse(text: string) {
  return parseProject(text, FILE, syncTestCatalog, { env: {} });
}

export function errorsOf(text: string): FlowError[] {
  try {
    parse(text);
  } catch (error) {
    if (error instanceof FlowErrors) return [...error.errors];
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

/** [code, line:col, message] of each error, for compact expectations. */
export function brief(errors: readonly FlowError[]): [string, string, string][] {
  return errors.map((e) => [e.code, (e.where ?? '').slice(FILE.length + 1), e.message]);
}
