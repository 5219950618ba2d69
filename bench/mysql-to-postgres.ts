/**
 * MariaDB/MySQL table → map (the mapping of csv-to-sqlite.ts) → PostgreSQL upsert, through the real engine.
 * Usage: npx tsx bench/mysql-to-postgres.ts [rows]   (default 1,000,000)
 * Seeds `syncline_bench.orders` (10 columns) once per row count; SYNCLINE_BENCH_MYSQL_URL / SYNCLINE_BENCH_PG_URL
 * override the servers. Falls back to the sqlite destination when src/connectors/postgres is not there
 * (or BENCH_DEST=sqlite). Prints records/s, peak RSS and a last line `BENCH {...}`.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { builtinConnectors, builtinSteps } from '../src/cli/builtins.js';
import { mysqlConnector } from '../src/connectors/mysql/index.js';
import { createEngine } from '../src/engine/index.js';
import type { Connector } from '../src/sdk/index.js';
import { loadProject } from '../src/spec/index.js';
import { openStore } from '../src/store/index.js';
import { peakRssMb } from './peak-rss.js';

const rows = Number(process.argv[2] ?? 1_000_000);
const mysqlUrl = process.env.SYNCLINE_BENCH_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/syncline_bench';
const pgUrl =
  process.env.SYNCLINE_BENCH_PG_URL ?? process.env.SYNCLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
// Run with tsx (index.ts) or compiled by `npm run bench` (index.js).
const pgModule = ['index.ts', 'index.js']
  .map((f) => fileURLToPath(new URL(`../src/connectors/postgres/${f}`, import.meta.url)))
  .find((f) => existsSync(f));
const usePostgres = process.env.BENCH_DEST !== 'sqlite' && pgModule !== undefined;

const statuses = ['pending', 'confirmed', 'shipped', 'shipped', 'confirmed', 'voided'];
const countries = ['DE', 'FR', 'US', 'GB', 'NL', 'ES'];
const names = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];

/** Creates and fills `orders` unless it already holds exactly `rows` rows. Returns the seconds spent. */
async function seed(): Promise<number> {
  const url = new URL(mysqlUrl);
  const database = url.pathname.slice(1);
  const conn = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    charset: 'UTF8MB4_UNICODE_CI',
  });
  const t0 = performance.now();
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${database}\` CHARACTER SET utf8mb4`);
    await conn.query(`USE \`${database}\``);
    const [have] = await conn
      .query('SELECT COUNT(*) AS n FROM orders')
      .then(([r]) => r as { n: number }[])
      .catch(() => [{ n: -1 }]);
    if (have?.n === rows) return 0;
    await conn.query('DROP TABLE IF EXISTS orders');
    await conn.query(
      `CREATE TABLE orders (order_id INT PRIMARY KEY, created_at DATETIME NOT NULL, customer_email VARCHAR(100),
        first_name VARCHAR(40), last_name VARCHAR(40), status VARCHAR(20), total DECIMAL(10,2), currency CHAR(3),
        country CHAR(2), sku VARCHAR(20)) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4`,
    );
    for (let start = 1; start <= rows; start += 5000) {
      const values: string[] = [];
      for (let id = start; id < Math.min(rows + 1, start + 5000); id++) {
        const first = names[id % 10] as string;
        const last = names[(id * 7) % 10] as string;
        const at = new Date(Date.UTC(2025, 0, 1) + id * 37_000).toISOString().slice(0, 19).replace('T', ' ');
        values.push(
          `(${id}, '${at}', '  ${first}.${last}${id}@Example.com ', '${first}', '${last}', '${statuses[id % 6]}', ${((id * 7919) % 100000) / 100}, 'EUR', '${countries[id % 6]}', 'SKU-${id % 997}')`,
        );
      }
      await conn.query(`INSERT INTO orders VALUES ${values.join(',')}`);
    }
    return (performance.now() - t0) / 1000;
  } finally {
    await conn.end();
  }
}

async function preparePostgres(): Promise<void> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_sales_orders');
    await client.query(
      'CREATE TABLE bench_sales_orders (order_no text PRIMARY KEY, email text, customer text, state text, total numeric, currency text, country text, sku text, ordered_on text, source text)',
    );
  } finally {
    await client.end();
  }
}

const seedSeconds = await seed();
const work = mkdtempSync(join(tmpdir(), 'syncline-bench-mysql-'));
const connectors: Connector[] = [...builtinConnectors, mysqlConnector];
let destination: string;
if (usePostgres) {
  const mod = (await import(pgModule as string)) as { postgresConnector: Connector };
  connectors.push(mod.postgresConnector);
  await preparePostgres();
  destination = `{ connection: out, type: postgres.table, table: bench_sales_orders, operation: upsert, key: [order_no], batch: { size: 1000 } }`;
} else {
  destination = `{ connection: out, type: sqlite.table, table: sales_orders, operation: upsert, key: [order_no], createTable: true, batch: { size: 1000 } }`;
}
const flow = `
connections:
  shop: { type: mysql, url: ${JSON.stringify(mysqlUrl)} }
  out: ${usePostgres ? `{ type: postgres, url: ${JSON.stringify(pgUrl)} }` : `{ type: sqlite, path: ${JSON.stringify(join(work, 'erp.db'))} }`}
flows:
  orders:
    source: { connection: shop, type: mysql.table, table: orders, pageSize: 1000 }
    steps:
      - map:
          order_no: { template: "SO-{{order_id}}" }
          email: { from: customer_email, transform: [trim, lowercase] }
          customer: { template: "{{first_name}} {{last_name}}" }
          state: { from: status, values: { pending: draft, confirmed: approved, shipped: fulfilled }, default: draft }
          total: { from: total, transform: number }
          currency: { from: currency }
          country: { from: country }
          sku: { from: sku }
          ordered_on: { from: created_at, transform: { date: { format: yyyy-MM-dd } } }
          source: { value: shop }
    destinations:
      - ${destination}
`;

try {
  const file = join(work, 'flow.yaml');
  writeFileSync(file, flow);
  const project = await loadProject(file, { connectors, steps: builtinSteps });
  const store = await openStore(join(work, 'state.db'));
  const engine = createEngine({ connectors, steps: builtinSteps, store });
  const t0 = performance.now();
  const run = await engine.run(project, 'orders');
  const seconds = (performance.now() - t0) / 1000;
  await store.close();
  if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
  const records = run.counts.written;
  const dest = usePostgres ? 'postgres' : 'sqlite';
  const perSec = Math.round(records / seconds);
  console.log(
    `mysql → map → ${dest} upsert, ${records.toLocaleString('en-US')} rows: ${perSec.toLocaleString('en-US')} rec/s, ` +
      `${seconds.toFixed(1)} s, peak RSS ${peakRssMb()} MB${seedSeconds > 0 ? ` (seeding took ${seedSeconds.toFixed(1)} s)` : ''}`,
  );
  console.log(
    `BENCH ${JSON.stringify({ name: `mysql-to-${dest}`, records, seconds: Number(seconds.toFixed(2)), recordsPerSec: perSec, peakRssMb: peakRssMb() })}`,
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
