import { parseProject } from '../../src/config/parse-project.js';
import { type FlowError, FlowErrors } from '../../src/sdk/index.js';
import { syncTestCatalog } from './sync-test-catalog.js';

export const FILE = '/work/flows/sync.yaml';

export const CONNECTIONS = `connections:
  crm: { type: db, tables: { customers: [id, email, full_name, phone, status, tier, notes, updated_at, deleted_at] } }
  erp: { type: db, tables: { clients: [client_no, email_address, name, phone, status, tier, notes, modified] } }
  files: { type: files, dir: . }
`;

/** The sync of the issue (issue 14), as a user writes it. */
export const USER_SYNC = `${CONNECTIONS}syncs:
  customers:
    description: CRM customers ↔ ERP customers
    schedule: "*/10 * * * *"
    a:
      name: crm
      connection: crm
      table: customers
      key: id
      cursor: updated_at
      overlap: 0s
      deleted: { field: deleted_at }
      stampCursor: true
    b: { connection: erp, table: clients, key: client_no, cursor: modified }
    fields:
      email: { b: email_address }
      name:  { a: full_name, b: name }
      phone: {}
      status:
        direction: both
        toB: { values: { active: A, inactive: I } }
      tier: { direction: a-to-b, toB: { transform: uppercase } }
      notes: { conflict: manual }
    match: [email]
    conflicts: { policy: newest, skew: 2m }
    deletes: { policy: review, reconcile: "0 3 * * 0" }
    batch: 500
    maxAttempts: 5
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
