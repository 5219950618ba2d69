import { existsSync, mkdirSync, mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliConfigHome, syncline } from '../helpers/cli.js';

const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: crm.db }
flows:
  customers:
    source: { connection: files, type: file.csv, path: customers.csv, columns: { id: integer } }
    destinations:
      - { connection: crm, type: sqlite.table, table: customers, operation: upsert, key: [id], createTable: true }
`;

let dir = '';
let project = '';
let elsewhere = '';
const noDb = { SYNCLINE_DB: '' };

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-store-location-'));
  project = join(dir, 'project');
  elsewhere = join(dir, 'elsewhere');
  mkdirSync(project);
  mkdirSync(elsewhere);
  writeFileSync(join(project, 'flow.yaml'), flow);
  writeFileSync(join(project, 'customers.csv'), 'id,email\n1,a@example.com\n2,b@example.com\n');
});

describe('the state store belongs to the flow file, not the current folder', () => {
  it('runs from two folders share one store beside the flow file, private to its owner', () => {
    const first = syncline(['run', 'project/flow.yaml'], { cwd: dir, env: noDb });
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    const second = syncline(['run', '../project/flow.yaml'], { cwd: elsewhere, env: noDb });
    expect(second.status).toBe(0);
    const store = join(project, '.syncline', 'syncline.db');
    expect(existsSync(join(dir, '.syncline'))).toBe(false);
    expect(existsSync(join(elsewhere, '.syncline'))).toBe(false);
    const runs = syncline(['runs', '--json'], { cwd: project, env: noDb });
    expect(runs.status).toBe(0);
    expect(
      runs.stdout
        .trim()
        .split('\n')
        .filter((l) => l.includes('"customers"')),
    ).toHaveLength(2);
    expect(statSync(join(project, '.syncline')).mode & 0o777).toBe(0o700);
    for (const file of [store, `${store}-wal`, `${store}-shm`].filter((f) => existsSync(f))) {
      expect(statSync(file).mode & 0o777).toBe(0o600);
    }
  });

  it('reading commands refuse a store that does not exist, and create none', () => {
    const status = syncline(['status'], { cwd: elsewhere, env: noDb });
    expect(status.status).toBe(1);
    expect(status.stderr).toContain('STORE_NOT_FOUND');
    expect(status.stderr).toContain(join(elsewhere, '.syncline', 'syncline.db'));
    expect(existsSync(join(elsewhere, '.syncline'))).toBe(false);
    const typo = syncline(['--db', 'projcet/.syncline/syncline.db', 'errors', 'list'], { cwd: dir, env: noDb });
    expect(typo.status).toBe(1);
    expect(typo.stderr).toContain(
      `there is no state store at "${join(dir, 'projcet', '.syncline', 'syncline.db')}" (--db)`,
    );
    expect(existsSync(join(dir, 'projcet'))).toBe(false);
  });

  it('keeps the master key in the user config folder, not in .syncline beside the store', () => {
    const set = syncline(['secrets', 'set', 'TOKEN', '--value', 'v-123'], { cwd: project, env: noDb });
    expect(set.status).toBe(0);
    expect(existsSync(join(project, '.syncline', 'master.key'))).toBe(false);
    const key = join(cliConfigHome, 'syncline', 'master.key');
    expect(statSync(key).mode & 0o777).toBe(0o600);
    expect(statSync(join(cliConfigHome, 'syncline')).mode & 0o777).toBe(0o700);
  });
});
