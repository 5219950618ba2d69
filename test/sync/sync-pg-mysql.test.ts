import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from '../../src/cli/run-command.js';
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
import { captured } from '../helpers/capture-stdout.js';
import { requireServerAt } from '../helpers/servers.js';

const pgUp = await requireServerAt('PostgreSQL', pgUrl, 5432);
const mysqlUp = await requireServerAt('MariaDB', mysqlUrl, 3306);

/**
 * A sync between a PostgreSQL and a MariaDB table whose columns store the same values differently —
 * numeric vs decimal, boolean vs tinyint(1), date, timestamp vs datetime(3), jsonb vs json, char(n) —
 * must settle: what one run writes reads back as an echo, so the runs after it write nothing.
 */
describe.skipIf(!pgUp || !mysqlUp)('sync between postgres.table and mysql.table: echoes across types', () => {
  let pg: TestSchema;
  let my: TestDatabase;
  let dir: string;
  beforeAll(async () => {
    pg = await createTestSchema('sync_echo');
    my = await createTestDatabase('sync_echo');
    dir = mkdtempSync(join(tmpdir(), 'syncline-sync-echo-'));
    await pg.sql(`
      create table items (id serial primary key, sku text, price numeric(10,2), active boolean, born date,
        seen timestamp(3), meta jsonb, code char(6), qty integer, updated_at timestamptz);
      insert into items (sku, price, active, born, seen, meta, code, qty, updated_at) values
        ('A-1', 1.50, true, '2020-02-29', '2026-01-02 03:04:05.678', '{"b": 1, "a": [1, "x"]}', 'ab', 3, '2026-01-01T00:00:00Z'),
        ('A-2', 10, false, null, null, null, null, 0, '2026-01-01T00:00:00Z');
    `);
    await my.sql(`
      create table goods (gid int auto_increment primary key, sku varchar(20), price decimal(10,2),
        active tinyint(1), born date, seen datetime(3), meta json, code char(6), qty int, changed datetime(3));
    `);
    await my.sql(`insert into goods (sku, price, active, born, seen, meta, code, qty, changed) values
        ('B-1', 2.05, 1, '1999-12-31', '2026-01-02 03:04:05.000', '{"z": {"y": null}}', 'xyz', 7, '2026-01-01 00:00:00')`);
    writeFileSync(
      join(dir, 'sync.yaml'),
      `connections:
  pg: { type: postgres, url: ${JSON.stringify(pg.url)} }
  my: { type: mysql, url: ${JSON.stringify(my.url)} }
syncs:
  items:
    conflicts: manual
    a: { name: pg, connection: pg, table: items, key: id, cursor: updated_at, stampCursor: true }
    b: { name: my, connection: my, table: goods, key: gid, cursor: changed, stampCursor: true }
    fields:
      sku: {}
      price: {}
      active: {}
      born: {}
      seen: {}
      meta: {}
      code: {}
      qty: {}
    match: [sku]
`,
    );
  });
  afterAll(async () => {
    await pg?.drop();
    await my?.drop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const run = () => captured(() => runCommand(join(dir, 'sync.yaml'), 'items', { db: join(dir, 'state.db') }));

  it('creates each side’s records on the other, then reads them back as echoes and writes nothing', async () => {
    const first = await run();
    expect(first.stdout).toContain('succeeded');
    expect(((await my.sql('select count(*) as n from goods')) as unknown[])[0]).toMatchObject({ n: 3 });
    const second = await run();
    expect(second.stdout).toContain('succeeded');
    const third = await run();
    // columns: read, echoes, created, updated, deleted, failed: nothing written on either side
    const quiet = /a pg\s+\d+\s+\d+\s+0\s+0\s+0\s+0[\s\S]*b my\s+\d+\s+\d+\s+0\s+0\s+0\s+0/;
    expect(second.stdout).toMatch(quiet);
    expect(third.stdout).toMatch(quiet);
    // an update on the PostgreSQL side goes over once, and settles too
    await pg.sql(
      `update items set price = 3.1, active = false, code = 'q', meta = '{"n": 2}', updated_at = now() + interval '1 minute' where sku = 'B-1'`,
    );
    const update = await run();
    expect(update.stdout).toMatch(/b my\s+\d+\s+\d+\s+0\s+1\s+0\s+0/);
    expect(((await my.sql("select price, active, code from goods where sku = 'B-1'")) as unknown[])[0]).toMatchObject({
      price: '3.10',
      active: 0,
      code: 'q',
    });
    expect((await run()).stdout).toMatch(quiet);
    expect((await run()).stdout).toMatch(quiet);
  });
});
