import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { errorsList, errorsShow } from './errors-command.js';
import { describeError } from './print-error.js';
import { secretsDelete, secretsList, secretsSet } from './secrets-command.js';
import { tokenList, tokenRevoke, tokenRotate } from './token-command.js';
import { validateCommand } from './validate-command.js';

/** `syncline secrets …`, `token …` and argument errors as adapters over app, in process (formerly in test/e2e/cli). */
const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: \${secret:CRM_DB_FILE} }
flows:
  customers:
    source: { connection: files, type: file.csv, path: customers.csv, columns: { id: integer } }
    destinations:
      - { connection: crm, type: sqlite.table, table: customers, operation: upsert, key: [id], createTable: true }
`;

/** What `syncline` prints on stderr when the command fails (main.ts prints describeError). */
const stderrOf = (command: () => Promise<number>) =>
  command().then(
    () => '',
    (error: unknown) => describeError(error),
  );

let dir = '';
let db = '';
/** The store files, to check that no secret or token is in them in any form. */
const storeFiles = () => [db, `${db}-wal`].filter((f) => existsSync(f));

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-cli-secrets-'));
  db = join(dir, 'state.db');
  writeFileSync(join(dir, 'secret.yaml'), flow);
  writeFileSync(join(dir, 'customers.csv'), 'id,email\n1,a@example.com\n');
});
afterEach(() => {
  vi.unstubAllEnvs();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('syncline secrets, token and argument errors, in process', () => {
  it('secrets: stored encrypted, resolved for ${secret:NAME}, never shown', async () => {
    vi.stubEnv('SYNCLINE_MASTER_KEY', '');
    vi.stubEnv('SYNCLINE_MASTER_KEY_FILE', join(dir, 'master.key'));
    const missing = await stderrOf(() => validateCommand(join(dir, 'secret.yaml'), db));
    expect(missing).toContain('CONFIG_MISSING_SECRET');
    expect(missing).toContain('syncline secrets set CRM_DB_FILE');
    const set = await captured(() => secretsSet('CRM_DB_FILE', { db, value: 'crm-from-secret-9f2.db' }));
    expect(set.status).toBe(0);
    expect(set.stdout).toMatch(
      /secret CRM_DB_FILE stored \(encrypted with master key \w+\); use it as \$\{secret:CRM_DB_FILE\}/,
    );
    expect(set.stdout).not.toContain('crm-from-secret-9f2');
    expect((await captured(() => secretsList({ db }))).stdout).toContain('CRM_DB_FILE');
    const valid = await captured(() => validateCommand(join(dir, 'secret.yaml'), db));
    expect(valid.status).toBe(0);
    expect(valid.stdout).toContain('valid — 2 connections, 1 flows');
    for (const file of storeFiles()) expect(readFileSync(file).includes('crm-from-secret-9f2')).toBe(false);
    vi.stubEnv('SYNCLINE_MASTER_KEY_FILE', join(dir, 'other.key'));
    expect(await stderrOf(() => validateCommand(join(dir, 'secret.yaml'), db))).toContain('MASTER_KEY_INVALID');
    expect((await captured(() => secretsDelete('CRM_DB_FILE', { db }))).stdout).toBe('secret CRM_DB_FILE deleted\n');
    expect((await captured(() => secretsList({ db }))).stdout).toContain('no secrets stored');
    await expect(secretsDelete('CRM_DB_FILE', { db })).rejects.toThrow('no secret named CRM_DB_FILE');
    await expect(secretsSet('CRM_DB_FILE', { db, value: '' })).rejects.toThrow('no value given for secret CRM_DB_FILE');
  });

  it('token: rotate prints a new API token once (the store keeps its SHA-256 only), list and revoke', async () => {
    const first = await captured(() => tokenRotate({ db }));
    expect(first.status).toBe(0);
    const token = first.stdout.trim();
    expect(token).toMatch(/^syn_[A-Za-z0-9_-]{43}$/);
    expect(first.stderr).toContain('API token "default" created');
    const second = await captured(() => tokenRotate({ db }));
    expect(second.stderr).toContain('the old one no longer works');
    expect(second.stdout.trim()).not.toBe(token);
    for (const file of storeFiles()) expect(readFileSync(file).includes(second.stdout.trim())).toBe(false);
    const listed = (await captured(() => tokenList({ db }))).stdout;
    expect(listed).toContain('default');
    expect(listed).not.toContain('syn_');
    expect((await captured(() => tokenRevoke('default', { db }))).stdout).toBe('API token default revoked\n');
    expect((await captured(() => tokenList({ db }))).stdout).toContain('no API tokens');
  });

  it('errors: clear messages for unknown ids and bad arguments', async () => {
    expect(await stderrOf(() => errorsShow('999', { db }))).toContain('ERROR_RECORD_NOT_FOUND');
    expect(await stderrOf(() => errorsShow('abc', { db }))).toContain('not a valid error record id');
    expect(await stderrOf(() => errorsList({ db, limit: 5, status: 'weird' }))).toContain('open, retried, resolved');
  });
});
