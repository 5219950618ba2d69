import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Catalog, createSyncline, type Syncline } from '../../../src/app/index.js';
import { builtinCatalog } from '../../../src/cli/builtins.js';
import { openStore, type StateStore } from '../../../src/store/index.js';
import { type CrmEmulator, createCrmEmulator } from '../../../test/emulators/crm/crm-emulator.js';
import { crmSeedSchema } from '../../../test/emulators/crm/crm-seed.js';
import { crmConnector } from './index.js';

/** The built-ins and the crm connector beside them: how a program registers a connector of its own. */
const catalog: Catalog = { ...builtinCatalog, connectors: [...builtinCatalog.connectors, crmConnector] };
const apiKey = 'flow-test-key-01';

let dir: string;
let crm: CrmEmulator;
let store: StateStore;
let syncline: Syncline;
beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-crm-flow-'));
  for (const file of ['contacts.yaml', 'leads.csv']) copyFileSync(join(import.meta.dirname, file), join(dir, file));
  crm = createCrmEmulator({
    seed: crmSeedSchema.parse({
      apiKey,
      contacts: [{ email: 'bo@example.com', name: 'Bo B.', company: null, updated_at: '2026-01-01T00:00:00Z' }],
    }),
  });
  const url = await crm.listen();
  store = await openStore(':memory:');
  syncline = createSyncline({
    store,
    catalog,
    env: { CRM_URL: `${url}/v1`, SYNCLINE_SECRET_CRM_API_KEY: apiKey },
  });
});
afterEach(async () => {
  await syncline.close();
  await store.close();
  await crm.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = async (flow: string) => {
  const project = await syncline.projects.load(join(dir, 'contacts.yaml'));
  return syncline.engine().run(project, flow, { trigger: 'cli' });
};
const localContacts = () => {
  const db = new Database(join(dir, 'contacts.db'), { readonly: true });
  try {
    return db.prepare('select id, email, name, company from contacts order by id').all();
  } finally {
    db.close();
  }
};

describe('examples/connectors/crm/contacts.yaml', () => {
  it('leads become CRM contacts by email; the one the CRM refuses is an error record with the crm code', async () => {
    const leads = await run('leads-to-crm');
    expect(leads.status).toBe('completed_with_errors');
    expect([leads.counts.written, leads.counts.failed]).toEqual([3, 1]);
    expect(
      crm.contacts
        .query()
        .map((c) => [c.id, c.data.email, c.data.name, c.data.company])
        .sort(),
    ).toEqual([
      ['c_000001', 'bo@example.com', 'Bo Berg', 'Globex'], // upserted: the seeded contact changed
      ['c_000002', 'ann@example.com', 'Ann Lee', 'Acme GmbH'],
      ['c_000003', 'dana@example.com', 'Dana Scully', null],
    ]);
    const [error] = await store.listErrors({ flow: 'leads-to-crm' });
    expect([error?.code, error?.kind, error?.payload?.['email']]).toEqual([
      'CRM_INVALID_CONTACT',
      'record',
      'not-an-email',
    ]);
    expect(error?.message).toContain('INVALID_FIELD');
    const ids = await store.listReturnedIds({ runId: leads.id });
    expect(ids.map((r) => [r.recordId, r.id])).toEqual([
      ['line:2', 'c_000002'],
      ['line:3', 'c_000001'],
      ['line:5', 'c_000003'],
    ]);
  });

  it('the CRM contacts land in the local table; the next run reads only those changed since its watermark', async () => {
    await run('leads-to-crm');
    const first = await run('contacts-to-local');
    expect(first.status).toBe('succeeded');
    expect(localContacts()).toEqual([
      { id: 'c_000001', email: 'bo@example.com', name: 'Bo Berg', company: 'Globex' },
      { id: 'c_000002', email: 'ann@example.com', name: 'Ann Lee', company: 'Acme GmbH' },
      { id: 'c_000003', email: 'dana@example.com', name: 'Dana Scully', company: null },
    ]);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the CRM stamps changes with the machine's time
    crm.contacts.update('c_000002', { company: 'Initech' });
    const second = await run('contacts-to-local');
    expect(second.counts.read).toBe(1);
    expect(localContacts()[1]).toEqual({
      id: 'c_000002',
      email: 'ann@example.com',
      name: 'Ann Lee',
      company: 'Initech',
    });
  });
});
