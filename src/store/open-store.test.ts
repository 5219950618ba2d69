import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FlowError } from '../sdk/index.js';
import { DEFAULT_STORE_PATH, defaultStoreLocation, openStore } from './index.js';

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
