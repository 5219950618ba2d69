import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { storeKinds } from '../../test/helpers/test-stores.js';
import { masterKey } from '../security/index.js';
import type { StateStore } from '../store/state-store.js';
import { createSyncline, type Syncline } from './create-syncline.js';

const flow = `connections:
  crm: { type: sqlite, path: \${secret:CRM_DB_FILE} }
flows:
  copy:
    source: { connection: crm, type: sqlite.table, table: a }
    destinations:
      - { connection: crm, type: sqlite.table, table: b, operation: insert, createTable: true }
`;

const kinds = await storeKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.cleanup();
});

describe.each(kinds)('app.secrets, app.tokens and loading projects with stored secrets on $name', (kind) => {
  const key = masterKey(randomBytes(32));
  let dir = '';
  let store: StateStore;
  let app: Syncline;
  /** An app whose master key is `k` (none: no key at all). */
  const withKey = (k: typeof key | undefined) =>
    createSyncline({ store, catalog: testCatalog, env: {}, masterKey: async () => k });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-app-secrets-'));
    writeFileSync(join(dir, 'flow.yaml'), flow);
    ({ store } = await kind.open());
    app = withKey(key);
  });
  afterEach(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('stores a secret sealed, lists its name only, resolves it for ${secret:NAME}, deletes it', async () => {
    await expect(app.projects.load(join(dir, 'flow.yaml'))).rejects.toThrow('CRM_DB_FILE');
    expect(await app.secrets.set('CRM_DB_FILE', 'crm-from-secret-9f2.db')).toEqual({ keyId: key.id });
    const listed = await app.secrets.list();
    expect(listed.map((s) => s.name)).toEqual(['CRM_DB_FILE']);
    expect(JSON.stringify(listed)).not.toContain('crm-from-secret-9f2');
    expect(JSON.stringify(await store.listSecrets())).not.toContain('crm-from-secret-9f2');
    const project = await app.projects.load(join(dir, 'flow.yaml'));
    expect(project.connections.crm?.config).toEqual(expect.objectContaining({ path: 'crm-from-secret-9f2.db' }));
    // what a command prints afterwards masks the resolved value
    expect(project.redactor?.redact('opened crm-from-secret-9f2.db') ?? '').not.toContain('crm-from-secret-9f2');
    await expect(withKey(undefined).projects.load(join(dir, 'flow.yaml'))).rejects.toThrow(
      'secrets are stored, but there is no master key to open them',
    );
    await expect(withKey(masterKey(randomBytes(32))).projects.load(join(dir, 'flow.yaml'))).rejects.toThrow();
    await app.secrets.remove('CRM_DB_FILE');
    expect(await app.secrets.list()).toEqual([]);
    await expect(app.secrets.remove('CRM_DB_FILE')).rejects.toThrow('no secret named CRM_DB_FILE');
    await expect(app.secrets.set('bad name', 'x')).rejects.toThrow();
  });

  it('rotates an API token (the store keeps its hash), verifies it, lists names only, revokes it', async () => {
    const first = await app.tokens.rotate();
    expect(first).toEqual({
      name: 'default',
      token: expect.stringMatching(/^syn_[A-Za-z0-9_-]{43}$/),
      replaced: false,
    });
    expect(await app.tokens.verify(first.token)).toBe(true);
    const second = await app.tokens.rotate('default');
    expect(second.replaced).toBe(true);
    expect(await app.tokens.verify(first.token)).toBe(false);
    expect(await app.tokens.verify(second.token)).toBe(true);
    expect(JSON.stringify(await store.listApiTokens())).not.toContain(second.token);
    expect((await app.tokens.list()).map((t) => t.name)).toEqual(['default']);
    expect(JSON.stringify(await app.tokens.list())).not.toContain('syn_');
    // API tokens are not secrets of flow files
    expect(await app.secrets.list()).toEqual([]);
    await app.tokens.revoke('default');
    expect(await app.tokens.list()).toEqual([]);
    await expect(app.tokens.revoke('default')).rejects.toThrow('no API token named default');
    await expect(app.tokens.rotate('no spaces')).rejects.toThrow('"no spaces" is not a valid token name');
    expect(await app.tokens.ensure()).toMatch(/^syn_/);
    expect(await app.tokens.ensure()).toBeUndefined();
  });
});
