import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestDatabase,
  testServerUrl as mysqlUrl,
  type TestDatabase,
} from '../../src/connectors/mysql/test-helpers.js';
import {
  createTestSchema,
  testServerUrl as pgUrl,
  type TestSchema,
} from '../../src/connectors/postgres/test-helpers.js';
import { syncline } from '../helpers/cli.js';
import { requireServerAt } from '../helpers/servers.js';

const pgUp = await requireServerAt('PostgreSQL', pgUrl, 5432);
const mysqlUp = await requireServerAt('MariaDB', mysqlUrl, 3306);

/**
 * The engine and the SQL table sources together, through the built CLI: delta sync by the flow's
 * `delta.field` on a timestamptz / DATETIME column (the watermark handed back in the column's own
 * shape), and export mode once (rows marked after their page committed, failed rows left unmarked).
 */
describe.skipIf(!pgUp || !mysqlUp)('delta sync and export mode once on postgres.table and mysql.table', () => {
  let pg: TestSchema;
  let my: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    pg = await createTestSchema('e2e_delta');
    my = await createTestDatabase('e2e_delta');
    dir = mkdtempSync(join(tmpdir(), 'syncline-sql-delta-'));
    await pg.sql(`
      create table contacts (id int primary key, name text, updated_at timestamptz);
      insert into contacts values (1, 'a', '2026-03-01T10:00:00Z'), (2, 'b', '2026-03-01T11:00:00.5Z'), (3, 'c', null);
      create table copies (id int primary key, name text, updated_at timestamptz);
      create table leads (id int primary key, email text, exported boolean not null default false);
      insert into leads values (1, 'x@example.com', false), (2, null, false), (3, 'y@example.com', true);
    `);
    await my.sql(`
      create table contacts (id int primary key, name varchar(10), updated_at datetime(3));
      insert into contacts values (1, 'a', '2026-03-01 10:00:00'), (2, 'b', '2026-03-01 11:00:00.5');
      create table leads (id int primary key, email varchar(40), exported boolean not null default 0);
      insert into leads values (1, 'x@example.com', 0), (2, 'z@example.com', 0), (3, 'y@example.com', 1);
      create table prospects (id int primary key, email varchar(40) not null);
    `);
    writeFileSync(
      join(dir, 'flows.yaml'),
      `connections:
  pg: { type: postgres, url: ${JSON.stringify(pg.url)} }
  my: { type: mysql, url: ${JSON.stringify(my.url)} }
flows:
  pg-contacts:
    source: { connection: pg, type: postgres.table, table: contacts, delta: { field: updated_at, onMissing: pass } }
    destinations: [{ connection: pg, type: postgres.table, table: copies, operation: upsert, key: [id] }]
  my-contacts:
    source: { connection: my, type: mysql.table, table: contacts, delta: { field: updated_at } }
    destinations: [{ connection: pg, type: postgres.table, table: copies, operation: upsert, key: [id] }]
  pg-leads:
    source: { connection: pg, type: postgres.table, table: leads, once: { field: exported } }
    destinations: [{ connection: my, type: mysql.table, table: prospects, operation: upsert, key: [id], columns: [id, email] }]
  my-leads:
    source: { connection: my, type: mysql.table, table: leads, once: { field: exported } }
    destinations: [{ connection: my, type: mysql.table, table: prospects, operation: upsert, key: [id], columns: [id, email] }]
`,
    );
  });
  afterAll(async () => {
    await pg?.drop();
    await my?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function run(flow: string) {
    const r = syncline(['--db', join(dir, 'state.db'), 'run', 'flows.yaml', flow], { cwd: dir });
    return { ...r, out: `${r.stdout}\n${r.stderr}` };
  }

  it('postgres.table: the second run reads only rows changed after the watermark', async () => {
    const first = run('pg-contacts');
    expect(first.status, first.out).toBe(0);
    expect(first.out).toContain('delta sync: first run: full sync');
    expect(first.out).toMatch(/source\s+3\s+3/);
    await pg.sql(`update contacts set name = 'B', updated_at = '2026-03-02T00:00:00Z' where id = 2`);
    const second = run('pg-contacts');
    expect(second.status, second.out).toBe(0);
    expect(second.out).toContain('delta from "2026-03-01T11:00:00.500Z"');
    expect(second.out).toMatch(/source\s+1\s+1/);
    expect((await pg.sql('select name from copies where id = 2')).rows).toEqual([{ name: 'B' }]);
  }, 60_000);

  it('mysql.table: the second run reads only rows changed after the watermark', async () => {
    const first = run('my-contacts');
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/source\s+2\s+2/);
    expect(run('my-contacts').out).toMatch(/source\s+0\s+0/);
    await my.sql(`update contacts set name = 'A', updated_at = '2026-03-03 00:00:00' where id = 1`);
    const third = run('my-contacts');
    expect(third.status, third.out).toBe(0);
    expect(third.out).toMatch(/source\s+1\s+1/);
    expect((await pg.sql('select name from copies where id = 1')).rows).toEqual([{ name: 'A' }]);
  }, 60_000);

  it('postgres.table once: delivered rows are marked, a failed row stays unmarked and is read again', async () => {
    const first = run('pg-leads');
    expect(first.out).toMatch(/source\s+2\s+2/);
    // lead 2 has no email: prospects.email is NOT NULL, so it becomes an error record and stays unmarked
    expect((await pg.sql('select id from leads where exported order by id')).rows).toEqual([{ id: 1 }, { id: 3 }]);
    expect(await my.sql('select id from prospects order by id')).toEqual([{ id: 1 }]);
    expect(run('pg-leads').out).toMatch(/source\s+1\s+1/);
  }, 60_000);

  it('mysql.table once: every delivered row is marked; the next run reads nothing', async () => {
    const first = run('my-leads');
    expect(first.status, first.out).toBe(0);
    expect(first.out).toMatch(/source\s+2\s+2/);
    expect(await my.sql('select id from leads where exported = 1 order by id')).toEqual([
      { id: 1 },
      { id: 2 },
      { id: 3 },
    ]);
    expect(run('my-leads').out).toMatch(/source\s+0\s+0/);
  }, 60_000);
});
