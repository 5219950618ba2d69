import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createTestDatabase, testServerUrl as mysqlUrl } from '../../src/connectors/mysql/test-helpers.js';
import { createTestSchema, testServerUrl as pgUrl } from '../../src/connectors/postgres/test-helpers.js';
import { createRegistry, destinationProblems } from '../../src/engine/index.js';
import { requireServer } from '../helpers/servers.js';
import { tempContext } from '../helpers/temp-context.js';

/**
 * Issue 11 item 20: `validate --connect` checks each SQL destination's table on its server — that it
 * exists (unless the destination creates it), and has the key columns and the columns the records
 * fill (the last map's fields, or `columns:`) — naming the flow, the destination and the columns.
 */
const { dir } = tempContext('syncline-validate-tables-');
const pg = new URL(pgUrl);
const my = new URL(mysqlUrl);
const pgUp = await requireServer('PostgreSQL', pg.hostname, Number(pg.port || 5432));
const myUp = await requireServer('MariaDB/MySQL', my.hostname, Number(my.port || 3306));
const cleanup: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

const registry = createRegistry(builtinConnectors, builtinSteps);

/** A flow file whose three flows write `orders` with a map of order_id, total (and a wrong key or column). */
function flowFile(connection: string, type: string, extra = ''): string {
  const flow = (name: string, destination: string) => `  ${name}:
    source: { connection: files, type: file.csv, path: in.csv }
    steps:
      - map:
          order_id: { from: id }
          total: { from: amount }
    destinations:
      - { connection: db, type: ${type}, ${destination} }
`;
  return `connections:
  files: { type: file, dir: . }
  db: ${connection}
flows:
${flow('good', 'table: orders, operation: upsert, key: [order_id]')}${flow('bad-key', 'table: orders, operation: upsert, key: [order_no], columns: [order_id, total]')}${flow('bad-field', 'table: orders_short, operation: insert')}${flow('no-table', 'table: nowhere, operation: insert')}${flow('creates', 'table: nowhere, operation: insert, createTable: true')}${flow('listed', 'table: orders, operation: insert, columns: [order_id, totl]')}${extra}`;
}

async function problemsOf(yaml: string): Promise<string[]> {
  const project = parseProject(yaml, join(dir, 'flow.yaml'), { connectors: builtinConnectors, steps: builtinSteps });
  return (await destinationProblems(registry, project)).map((e) => `${e.message} | ${e.hint ?? ''}`);
}

function expectProblems(found: string[], table: (name: string) => string): void {
  expect(found).toHaveLength(4);
  const [badKey, badField, noTable, listed] = found;
  expect(badKey).toContain(
    `flows.bad-key.destinations[0].key (destination db): table ${table('orders')} has no column order_no; columns: order_id, total`,
  );
  expect(badKey).toContain('Did you mean "order_id"?');
  expect(badField).toContain(
    `flows.bad-field.destinations[0].table (destination db): table ${table('orders_short')} has no column total; columns: order_id (a field the flow's last map writes)`,
  );
  expect(noTable).toMatch(
    /flows\.no-table\.destinations\[0\]\.table \(destination db\): table \S*nowhere\S* in .* does not exist/,
  );
  expect(noTable).toContain('createTable: true');
  expect(listed).toContain(
    `flows.listed.destinations[0].columns (destination db): table ${table('orders')} has no column totl; columns: order_id, total (listed in columns:)`,
  );
  expect(listed).toContain('Did you mean "total"?');
}

describe('validate --connect checks destination tables', () => {
  it('sqlite: a missing table, key column and written columns are reported', async () => {
    const db = new Database(join(dir, 'shop.db'));
    db.exec(
      'CREATE TABLE orders (order_id INTEGER PRIMARY KEY, total REAL); CREATE TABLE orders_short (order_id INTEGER)',
    );
    db.close();
    expectProblems(await problemsOf(flowFile('{ type: sqlite, path: shop.db }', 'sqlite.table')), (t) => t);
  });

  it.skipIf(!pgUp)('postgres: the same, with the table as the server resolves it (schema.table)', async () => {
    const schema = await createTestSchema('validate_tables');
    cleanup.push(() => schema.drop());
    await schema.sql('CREATE TABLE orders (order_id integer PRIMARY KEY, total numeric)');
    await schema.sql('CREATE TABLE orders_short (order_id integer)');
    const found = await problemsOf(flowFile(`{ type: postgres, url: "${schema.url}" }`, 'postgres.table'));
    expectProblems(found, (t) => `${schema.name}.${t}`);
  });

  it.skipIf(!myUp)('mysql: the same', async () => {
    const database = await createTestDatabase('validate_tables');
    cleanup.push(() => database.drop());
    await database.sql('CREATE TABLE orders (order_id INT PRIMARY KEY, total DECIMAL(10,2))');
    await database.sql('CREATE TABLE orders_short (order_id INT)');
    expectProblems(await problemsOf(flowFile(`{ type: mysql, url: "${database.url}" }`, 'mysql.table')), (t) => t);
  });

  it('a connection that cannot be opened is left to the connection check (not reported twice)', async () => {
    const found = await problemsOf(flowFile('{ type: sqlite, path: missing-dir/x.db }', 'sqlite.table'));
    expect(found).toEqual([]);
  });
});
