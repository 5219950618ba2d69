import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowError } from '../sdk/index.js';
import { DEFAULT_STORE_PATH, defaultStoreLocation, openStore } from './index.js';
import { otherSchemaDropped } from './open-store.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-open-store-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openError(location: string): Promise<FlowError> {
  const error = await openStore(location).then(
    async (store) => {
      await store.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  if (!(error instanceof FlowError)) throw new Error(`expected a FlowError from ${location}, got ${String(error)}`);
  return error;
}

describe('openStore: SQLite locations that cannot be used', () => {
  const fileAsFolder = join(dir, 'plain-file');
  writeFileSync(fileAsFolder, 'x');
  const notADatabase = join(dir, 'garbage.db');
  writeFileSync(notADatabase, 'this is not an SQLite database, just text long enough to have a header'.repeat(20));
  const folderAsFile = join(dir, 'a-folder.db');
  mkdirSync(folderAsFile);

  it.each([
    ['a folder that cannot be created', '/proc/x/y.db', '/proc/x/y.db'],
    ['a folder path that is a file', join(fileAsFolder, 'sub', 'store.db'), join(fileAsFolder, 'sub', 'store.db')],
    ['a file that is not a database', notADatabase, notADatabase],
    ['a folder instead of a file', folderAsFile, folderAsFile],
  ])('reports %s as STORE_UNAVAILABLE naming the path and SYNCLINE_DB', async (_label, location, shown) => {
    const error = await openError(location);
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.kind).toBe('config');
    expect(error.message).toContain(shown);
    expect(error.where).toBe(shown);
    expect(error.hint).toContain('SYNCLINE_DB');
  });
});

describe('openStore: PostgreSQL that cannot be reached', () => {
  it('reports STORE_UNAVAILABLE naming host:port, with the password masked', async () => {
    const error = await openError('postgres://syncline:s3cr3t-pw@127.0.0.1:1/app');
    expect(error.code).toBe('STORE_UNAVAILABLE');
    expect(error.message).toContain('127.0.0.1:1');
    expect(error.message).toContain('syncline:****@127.0.0.1:1');
    expect(error.where).toBe('127.0.0.1:1');
    expect(`${error.message} ${error.hint} ${error.where}`).not.toContain('s3cr3t-pw');
    expect(error.hint).toContain('SYNCLINE_DB');
  });

  it('accepts postgresql:// too', async () => {
    const error = await openError('postgresql://127.0.0.1:1/app');
    expect(error.message).toContain('PostgreSQL');
    expect(error.where).toBe('127.0.0.1:1');
  });
});

describe('openStore: default location', () => {
  it('takes SYNCLINE_DB, else ./.syncline/syncline.db', () => {
    expect(defaultStoreLocation({})).toBe(DEFAULT_STORE_PATH);
    expect(defaultStoreLocation({ SYNCLINE_DB: '' })).toBe(DEFAULT_STORE_PATH);
    expect(defaultStoreLocation({ SYNCLINE_DB: '/data/s.db' })).toBe('/data/s.db');
    expect(DEFAULT_STORE_PATH).toBe('./.syncline/syncline.db');
  });

  it('opens $SYNCLINE_DB when no location is given, creating its folder', async () => {
    const path = join(dir, 'from-env', 'store.db');
    const saved = process.env['SYNCLINE_DB'];
    process.env['SYNCLINE_DB'] = path;
    try {
      const store = await openStore();
      expect(store.dialect).toBe('sqlite');
      await store.close();
      expect(existsSync(path)).toBe(true);
    } finally {
      if (saved === undefined) delete process.env['SYNCLINE_DB'];
      else process.env['SYNCLINE_DB'] = saved;
    }
  });
});

describe("openStore: the files are the owner's only", () => {
  it('creates the folder 0700 and the database, -wal and -shm files 0600, and narrows an older store', async () => {
    const folder = join(dir, 'private', '.syncline');
    const path = join(folder, 'syncline.db');
    const store = await openStore(path);
    await store.putSecret('x', 'sealed', new Date());
    for (const file of [path, `${path}-wal`, `${path}-shm`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(folder).mode & 0o777).toBe(0o700);
    await store.close();
    chmodSync(path, 0o644);
    const again = await openStore(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await again.close();
  });
});

describe('openStore: mustExist (commands that only read state)', () => {
  it('refuses a missing store with STORE_NOT_FOUND naming the path and how it was chosen, creating nothing', async () => {
    const path = join(dir, 'typo', 'state.db');
    const error = await openStore(path, { mustExist: true, chosenBy: '--db' }).then(
      () => undefined,
      (e: unknown) => e as FlowError,
    );
    expect(error?.code).toBe('STORE_NOT_FOUND');
    expect(error?.message).toBe(`there is no state store at "${path}" (--db)`);
    expect(error?.hint).toContain('--db');
    expect(existsSync(join(dir, 'typo'))).toBe(false);
  });

  it('refuses an empty file, and opens an existing store', async () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    await expect(openStore(empty, { mustExist: true })).rejects.toMatchObject({ code: 'STORE_NOT_FOUND' });
    const path = join(dir, 'real.db');
    await (await openStore(path)).close();
    await (await openStore(path, { mustExist: true })).close();
  });

  it('never migrates into an SQLite database that is not a store', async () => {
    const other = join(dir, 'other-app.db');
    const db = new Database(other);
    db.exec('create table invoices (id integer primary key)');
    db.close();
    const error = await openError(other);
    expect([error.code, error.message]).toEqual([
      'STORE_UNAVAILABLE',
      `"${other}" is an SQLite database but not a Syncline state store (it has other tables and no Syncline migrations); it was not changed`,
    ]);
    const after = new Database(other, { readonly: true });
    expect(after.prepare("select name from sqlite_master where type = 'table'").all()).toEqual([{ name: 'invoices' }]);
    after.close();
  });
});

describe('otherSchemaDropped (migrating while another client drops its schema)', () => {
  it('is true only for a missing schema that is not the store’s own', () => {
    const missing = (name: string) => Object.assign(new Error(`schema "${name}" does not exist`), { code: '3F000' });
    expect(otherSchemaDropped(missing('tenant_7'), 'syncline')).toBe(true);
    expect(otherSchemaDropped(missing('tenant_7'), undefined)).toBe(true);
    expect(otherSchemaDropped(missing('syncline'), 'syncline')).toBe(false);
    expect(otherSchemaDropped(Object.assign(new Error('x'), { code: '42P01' }), 'syncline')).toBe(false);
    expect(otherSchemaDropped('text', 'syncline')).toBe(false);
  });
});
