import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { openStore } from '../../src/store/index.js';
import type { StateStore } from '../../src/store/state-store.js';
import { requireServer } from './servers.js';

const pgUrl = process.env['SYNCLINE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A kind of state store a test runs on, and how to open a fresh, empty one (its location with it). */
export interface StoreKind {
  readonly name: 'sqlite' | 'postgres';
  open(): Promise<{ store: StateStore; location: string }>;
  /** Drops what `open` made (PostgreSQL schemas); SQLite files go with their temporary folder. */
  cleanup(): Promise<void>;
}

async function admin(sql: string, url = pgUrl): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * SQLite, and PostgreSQL when its server is up (required with CI=true): for `describe.each` over the
 * stores a use case runs on. Each PostgreSQL store gets its own schema in a database of this test
 * file's own, dropped at cleanup: opening a store introspects every schema of its database, so a
 * schema another test file drops meanwhile must not be in it.
 */
export async function storeKinds(): Promise<StoreKind[]> {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-stores-'));
  let n = 0;
  const sqlite: StoreKind = {
    name: 'sqlite',
    async open() {
      const location = join(dir, `state-${++n}.db`);
      return { store: await openStore(location), location };
    },
    cleanup: async () => undefined,
  };
  const server = new URL(pgUrl);
  if (!(await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432)))) return [sqlite];
  const database = `syncline_app_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const databaseUrl = new URL(pgUrl);
  databaseUrl.pathname = `/${database}`;
  let created = false;
  let schemas = 0;
  const postgres: StoreKind = {
    name: 'postgres',
    async open() {
      if (!created) {
        await admin(`create database ${database}`);
        created = true;
      }
      const schema = `s${++schemas}`;
      await admin(`create schema ${schema}`, databaseUrl.toString());
      const url = new URL(databaseUrl);
      url.searchParams.set('options', `-c search_path=${schema}`);
      return { store: await openStore(url.toString()), location: url.toString() };
    },
    async cleanup() {
      if (created) await admin(`drop database if exists ${database} with (force)`);
      created = false;
    },
  };
  return [sqlite, postgres];
}
