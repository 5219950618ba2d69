/**
 * MariaDB/MySQL table → map (the mapping of csv-to-sqlite.ts) → PostgreSQL, through the real engine (insert
 * and upsert into an empty table), against an anchor in the same run: a hand-written mysql2 stream (one
 * streamed SELECT, the mapping in JS) into `COPY … FROM STDIN` (pg-copy-streams). Rounds interleaved, each
 * measurement in a process of its own (peak RSS), every measured process with --max-semi-space-size=32.
 * Usage: node bench/.build/bench/mysql-to-postgres.js [rows]   (default 1,000,000). Works in databases of its
 * own (SYNCLINE_BENCH_MYSQL_URL / SYNCLINE_BENCH_PG_URL, else it creates `syncline_bench_<pid>` on both
 * servers and drops them at the end); seeds `orders` (10 columns).
 * Prints a line per engine mode and one `BENCH {...}` line per engine-against-anchor pair.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import mysqlCallback from 'mysql2';
import mysql from 'mysql2/promise';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { builtinConnectors, builtinSteps } from '../src/cli/builtins.js';
import { loadProject } from '../src/config/index.js';
import { mysqlConnector } from '../src/connectors/mysql/index.js';
import { postgresConnector } from '../src/connectors/postgres/index.js';
import { createEngine } from '../src/engine/index.js';
import { openStore } from '../src/store/index.js';
import { benchDatabaseUrls } from './databases.js';
import { peakRssMb } from './peak-rss.js';
import { interleave, type Round, rate, rss, summarize } from './stats.js';

const [first = '', second = ''] = process.argv.slice(2);
const measuring = first.startsWith('--mode=') ? first.slice(7) : undefined;
const rows = Number((measuring ? second : first) || 1_000_000);
const databases = await benchDatabaseUrls({ postgres: true, mysql: true });
const { mysqlUrl, pgUrl } = databases;
const DST = 'bench_sales_orders';

const statuses = ['pending', 'confirmed', 'shipped', 'shipped', 'confirmed', 'voided'];
const countries = ['DE', 'FR', 'US', 'GB', 'NL', 'ES'];
const names = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];

/** Creates and fills `orders` unless it already holds exactly `rows` rows. Returns the seconds spent. */
async function seed(): Promise<number> {
  const url = new URL(mysqlUrl);
  const conn = await mysql.createConnection({
    host: url.hostname,
    port: Number(url.port || 3306),
    user: decodeURIComponent(url.username || 'root'),
    password: decodeURIComponent(url.password),
    charset: 'UTF8MB4_UNICODE_CI',
  });
  const t0 = performance.now();
  try {
    await conn.query(`USE \`${url.pathname.slice(1)}\``);
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

async function withPg<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the PostgreSQL target, or empties it (and drops the page markers an earlier round's run left: each round's store is new). */
const resetTarget = () =>
  withPg((c) =>
    c.query(
      `CREATE TABLE IF NOT EXISTS ${DST} (order_no text PRIMARY KEY, email text, customer text, state text, total numeric, currency text, country text, sku text, ordered_on text, source text); TRUNCATE ${DST}; DROP TABLE IF EXISTS syncline_page_markers`,
    ),
  );

async function engineRun(operation: 'insert' | 'upsert'): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'syncline-bench-mysql-'));
  const flow = `
connections:
  shop: { type: mysql, url: ${JSON.stringify(mysqlUrl)} }
  out: { type: postgres, url: ${JSON.stringify(pgUrl)} }
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
      - { connection: out, type: postgres.table, table: ${DST}, operation: ${operation}, key: [order_no], batch: { size: 1000 } }
`;
  try {
    const file = join(work, 'flow.yaml');
    writeFileSync(file, flow);
    const connectors = [...builtinConnectors, mysqlConnector, postgresConnector];
    const project = await loadProject(file, { connectors, steps: builtinSteps });
    const store = await openStore(join(work, 'state.db'));
    const engine = createEngine({ connectors, steps: builtinSteps, store });
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    await store.close();
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    return run.counts.written;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const STATES: Record<string, string> = { pending: 'draft', confirmed: 'approved', shipped: 'fulfilled' };
/** COPY text format: backslash, tab, newline and carriage return escaped; NULL as \N. */
const copyText = (v: unknown): string =>
  v === null || v === undefined
    ? '\\N'
    : String(v).replace(/[\\\t\n\r]/g, (c) => ({ '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' })[c] ?? c);

interface OrderRow {
  order_id: number;
  created_at: string;
  customer_email: string | null;
  first_name: string | null;
  last_name: string | null;
  status: string | null;
  total: string | null;
  currency: string | null;
  country: string | null;
  sku: string | null;
}

/** The anchor: one streamed mysql2 SELECT, mapped in JS, written by `COPY … FROM STDIN`. */
async function copyStream(): Promise<number> {
  const source = mysqlCallback.createConnection({ uri: mysqlUrl, dateStrings: true });
  const target = new pg.Client({ connectionString: pgUrl });
  await target.connect();
  let n = 0;
  try {
    const map = new Transform({
      writableObjectMode: true,
      transform(r: OrderRow, _enc, done) {
        n++;
        const line = [
          `SO-${r.order_id}`,
          (r.customer_email ?? '').trim().toLowerCase(),
          `${r.first_name} ${r.last_name}`,
          STATES[r.status ?? ''] ?? 'draft',
          r.total,
          r.currency,
          r.country,
          r.sku,
          r.created_at.slice(0, 10),
          'shop',
        ];
        done(null, `${line.map(copyText).join('\t')}\n`);
      },
    });
    await pipeline(
      source.query('SELECT * FROM orders ORDER BY order_id').stream({ highWaterMark: 1000 }),
      map,
      target.query(copyFrom(`COPY ${DST} FROM STDIN`)),
    );
  } finally {
    source.end();
    await target.end();
  }
  return n;
}

const measures: Record<string, () => Promise<number>> = {
  'engine-insert': () => engineRun('insert'),
  'engine-upsert': () => engineRun('upsert'),
  'copy-stream': copyStream,
};
const nodeFlags = ['--max-semi-space-size=32'];
const script = fileURLToPath(import.meta.url);

function measured(mode: string): Round {
  const r = spawnSync(process.execPath, [...process.execArgv, ...nodeFlags, script, `--mode=${mode}`, String(rows)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || !line) throw new Error(`${mode} failed (exit ${r.status}): ${r.stdout}`);
  return JSON.parse(line.slice(6)) as Round;
}

if (measuring) {
  const measure = measures[measuring];
  if (!measure) throw new Error(`unknown mode ${measuring}`);
  const t0 = performance.now();
  const records = await measure();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`BENCH ${JSON.stringify({ records, seconds: Number(seconds.toFixed(3)), peakRssMb: peakRssMb() })}`);
} else {
  try {
    const seedSeconds = await seed();
    if (seedSeconds > 0)
      console.log(`seeded ${rows.toLocaleString('en-US')} MariaDB rows in ${seedSeconds.toFixed(1)} s`);
    const sides: Record<string, () => Promise<Round>> = {};
    for (const mode of Object.keys(measures)) {
      sides[mode] = async () => {
        await resetTarget();
        const r = measured(mode);
        const n = await withPg((c) => c.query(`SELECT count(*)::int AS n FROM ${DST}`));
        if ((n.rows[0] as { n: number }).n !== rows) throw new Error(`${mode}: target holds ${n.rows[0]?.n} rows`);
        return r;
      };
    }
    const r = await interleave(sides);
    const anchor = summarize(r['copy-stream'] ?? []);
    const label = 'hand-written mysql2 stream → COPY';
    console.log(`  ${label}: ${rate(anchor)}, ${rss(anchor)}`);
    for (const op of ['insert', 'upsert']) {
      const engine = summarize(r[`engine-${op}`] ?? []);
      console.log(
        `mysql → map → postgres ${op} into an empty table, ${rows.toLocaleString('en-US')} rows: engine ${rate(engine)}, ${rss(engine)}; ${(engine.recordsPerSec / anchor.recordsPerSec).toFixed(2)}× the anchor`,
      );
      console.log(
        `BENCH ${JSON.stringify({ name: `MySQL (MariaDB) → map → PostgreSQL ${op}, empty table, ${rows.toLocaleString('en-US')} rows`, engine: r[`engine-${op}`], baseline: r['copy-stream'], baselineLabel: label })}`,
      );
    }
  } finally {
    await databases.done();
  }
}
