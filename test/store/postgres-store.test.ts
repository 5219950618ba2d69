import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openStore, type StateStore } from '../../src/store/index.js';
import { requireServer } from '../helpers/servers.js';
import { describeStoreConformance } from './store-conformance.js';
import { page, startRun } from './store-fixtures.js';
import { describeSyncStoreConformance } from './sync-conformance.js';

const baseUrl = process.env['SYNCLINE_TEST_PG_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const server = new URL(baseUrl);
const reachable = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));

/** Every store of this file lives in its own schema (dropped at the end), so runs are repeatable and parallel-safe. */
const prefix = `syncline_test_${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
const schemas: string[] = [];

function urlFor(schema: string): string {
  const url = new URL(baseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

async function freshSchema(): Promise<string> {
  const schema = `${prefix}_${schemas.length + 1}`;
  schemas.push(schema);
  await admin((c) => c.query(`create schema ${schema}`));
  return schema;
}

async function openFresh(): Promise<StateStore> {
  return openStore(urlFor(await freshSchema()));
}

afterAll(async () => {
  if (!reachable || schemas.length === 0) return;
  await admin(async (c) => {
    for (const schema of schemas) await c.query(`drop schema if exists ${schema} cascade`);
  });
});

describe.skipIf(!reachable)('PostgreSQL store', () => {
  describeStoreConformance(`PostgreSQL (${server.host})`, openFresh, async () => urlFor(await freshSchema()));

  describeSyncStoreConformance(`PostgreSQL (${server.host})`, openFresh, 120_000);

  describe('PostgreSQL specifics', () => {
    it('creates its tables with identity ids, jsonb and timestamptz in the search_path schema only', async () => {
      const schema = await freshSchema();
      const store = await openStore(urlFor(schema));
      expect(store.dialect).toBe('postgres');
      await store.close();
      const columns = await admin(async (c) => {
        const r = await c.query<{ table_name: string; column_name: string; data_type: string; is_identity: string }>(
          `select table_name, column_name, data_type, is_identity from information_schema.columns
           where table_schema = $1 and (table_name, column_name) in
           (('runs','id'), ('runs','counts'), ('runs','started_at'), ('error_records','id'), ('error_records','payload'))
           order by table_name, column_name`,
          [schema],
        );
        return r.rows.map(
          (row) =>
            `${row.table_name}.${row.column_name}: ${row.data_type}${row.is_identity === 'YES' ? ' identity' : ''}`,
        );
      });
      expect(columns).toEqual([
        'error_records.id: bigint identity',
        'error_records.payload: jsonb',
        'runs.counts: jsonb',
        'runs.id: bigint identity',
        'runs.started_at: timestamp with time zone',
      ]);
      const tables = await admin(async (c) => {
        const r = await c.query<{ n: string }>(
          "select count(*) as n from information_schema.tables where table_schema = $1 and table_name like 'kysely_migration%'",
          [schema],
        );
        return Number(r.rows[0]?.n);
      });
      expect(tables).toBe(2);
    });

    it('reopens a migrated schema, keeping its data, and two stores share it', async () => {
      const url = urlFor(await freshSchema());
      const [a, b] = await Promise.all([openStore(url), openStore(url)]);
      const run = await startRun(a, 'shared');
      await a.commitPage(page(run, 1, { offset: 1 }));
      expect((await b.getCheckpoint('shared'))?.checkpoint).toEqual({ offset: 1 });
      await Promise.all([a.close(), b.close()]);
      const again = await openStore(url);
      expect((await again.getRun(run.id))?.pages).toBe(1);
      await again.close();
    });
  });
});
