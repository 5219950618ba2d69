/**
 * PostgreSQL table → map (order_no template, email trim+lowercase, name template, state value map, total
 * number, date format) → PostgreSQL table, 10 columns, through the real engine in insert and upsert mode,
 * against two baselines over the same rows in the same run: (a) the physical limit, a `psql \copy … to
 * stdout | psql \copy … from stdin` pipe with the mapping in SQL; (b) a hand-written pg script (cursor +
 * multi-row INSERT … ON CONFLICT in batches of 1000). Each measurement runs in its own process (peak RSS).
 * Usage: npx tsx bench/postgres.ts [rows]   (default 1,000,000; SYNCLINE_BENCH_PG_URL overrides the server)
 * Prints records/s, the ratios, peak RSS and one `BENCH {...}` line per measurement (the summary last).
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { builtinConnectors, builtinSteps } from '../src/cli/builtins.js';
import { postgresConnector } from '../src/connectors/postgres/index.js';
import { createEngine } from '../src/engine/index.js';
import { loadProject } from '../src/spec/index.js';
import { openStore } from '../src/store/index.js';
import { peakRssMb } from './peak-rss.js';

const pgUrl =
  process.env.SYNCLINE_BENCH_PG_URL ?? process.env.SYNCLINE_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const SCHEMA = 'syncline_bench';
const SRC = `${SCHEMA}.bench_orders_src`;
const DST = `${SCHEMA}.bench_sales_orders`;
const [first = '', second = ''] = process.argv.slice(2);
const measuring = first.startsWith('--mode=') ? first.slice(7) : undefined;
const rows = Number((measuring ? second : first) || 1_000_000);

async function withClient<T>(work: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates and fills the source table unless it already holds exactly `rows` rows; empties the target. */
async function prepare(): Promise<void> {
  await withClient(async (c) => {
    await c.query(`CREATE SCHEMA IF NOT EXISTS ${SCHEMA}`);
    const have = await c
      .query(`SELECT count(*)::int AS n FROM ${SRC}`)
      .then((r) => (r.rows[0] as { n: number }).n)
      .catch(() => -1);
    if (have !== rows) {
      console.log(`seeding ${rows.toLocaleString('en-US')} rows…`);
      await c.query(`DROP TABLE IF EXISTS ${SRC}`);
      await c.query(
        `CREATE TABLE ${SRC} (order_id int PRIMARY KEY, created_at timestamptz NOT NULL, customer_email text,
          first_name text, last_name text, status text, total numeric(10,2), currency char(3), country char(2), sku text)`,
      );
      await c.query(
        `INSERT INTO ${SRC} SELECT id, timestamptz '2025-01-01 00:00:00+00' + id * interval '37 seconds',
           '  ' || (ARRAY['Ada','Grace','Linus','Margaret','Ken','Barbara','Dennis','Frances','Alan','Radia'])[id % 10 + 1] || '.' || id || '@Example.com ',
           (ARRAY['Ada','Grace','Linus','Margaret','Ken','Barbara','Dennis','Frances','Alan','Radia'])[id % 10 + 1],
           (ARRAY['Ada','Grace','Linus','Margaret','Ken','Barbara','Dennis','Frances','Alan','Radia'])[(id * 7) % 10 + 1],
           (ARRAY['pending','confirmed','shipped','shipped','confirmed','voided'])[id % 6 + 1],
           ((id * 7919) % 100000) / 100.0, 'EUR', (ARRAY['DE','FR','US','GB','NL','ES'])[id % 6 + 1], 'SKU-' || (id % 997)
         FROM generate_series(1::bigint, ${rows}) id`,
      );
      await c.query(`VACUUM ANALYZE ${SRC}`);
    }
    await c.query(`DROP TABLE IF EXISTS ${DST}`);
    await c.query(
      `CREATE TABLE ${DST} (order_no text PRIMARY KEY, email text, customer text, state text, total numeric,
        currency text, country text, sku text, ordered_on text, source text)`,
    );
  });
}

const truncate = () => withClient((c) => c.query(`TRUNCATE ${DST}`));

/** The mapping in SQL, for the COPY pipe. */
const mappedSelect = `SELECT 'SO-' || order_id, lower(trim(customer_email)), first_name || ' ' || last_name,
  CASE status WHEN 'pending' THEN 'draft' WHEN 'confirmed' THEN 'approved' WHEN 'shipped' THEN 'fulfilled' ELSE 'draft' END,
  total, currency, country, sku, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'shop' FROM ${SRC} ORDER BY order_id`;

async function copyPipe(): Promise<number> {
  const out = `\\copy (${mappedSelect.replace(/\s+/g, ' ')}) to stdout`;
  const into = `\\copy ${DST} from stdin`;
  const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
  await new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', `psql -X -q ${q(pgUrl)} -c ${q(out)} | psql -X -q ${q(pgUrl)} -c ${q(into)}`], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`psql pipe exited ${code}`))));
  });
  return rows;
}

const STATES: Record<string, string> = { pending: 'draft', confirmed: 'approved', shipped: 'fulfilled' };

/** A careful hand-written pg script: one cursor, multi-row INSERT … ON CONFLICT DO UPDATE per 1000 rows. */
async function handWritten(): Promise<number> {
  const reader = new pg.Client({ connectionString: pgUrl });
  const writer = new pg.Client({ connectionString: pgUrl });
  await reader.connect();
  await writer.connect();
  const cols = [
    'order_no',
    'email',
    'customer',
    'state',
    'total',
    'currency',
    'country',
    'sku',
    'ordered_on',
    'source',
  ];
  const set = cols
    .slice(1)
    .map((c) => `${c} = EXCLUDED.${c}`)
    .join(', ');
  let n = 0;
  try {
    await reader.query('BEGIN');
    await reader.query(`DECLARE c NO SCROLL CURSOR FOR SELECT * FROM ${SRC} ORDER BY order_id`);
    for (;;) {
      const { rows: batch } = await reader.query('FETCH 1000 FROM c');
      if (batch.length === 0) break;
      const values: unknown[] = [];
      const tuples: string[] = [];
      for (const r of batch) {
        const b = values.length;
        tuples.push(`(${cols.map((_, i) => `$${b + i + 1}`).join(',')})`);
        values.push(
          `SO-${r.order_id}`,
          String(r.customer_email).trim().toLowerCase(),
          `${r.first_name} ${r.last_name}`,
          STATES[r.status] ?? 'draft',
          Number(r.total),
          r.currency,
          r.country,
          r.sku,
          (r.created_at as Date).toISOString().slice(0, 10),
          'shop',
        );
      }
      await writer.query(
        `INSERT INTO ${DST} (${cols.join(',')}) VALUES ${tuples.join(',')} ON CONFLICT (order_no) DO UPDATE SET ${set}`,
        values,
      );
      n += batch.length;
    }
    await reader.query('COMMIT');
  } finally {
    await reader.end();
    await writer.end();
  }
  return n;
}

/**
 * The engine's user settings in this benchmark, printed with the results (BENCH_PG_* override them for
 * experiments): 1000-row pages and batches, one page written at a time (flow `concurrency.pages`), the
 * defaults. (`concurrency.pages: 2` was no faster once a batch became one round trip, and its peak RSS
 * sometimes went past 280 MB.)
 */
const settings = {
  pageSize: Number(process.env.BENCH_PG_PAGE_SIZE ?? 1000),
  batchSize: Number(process.env.BENCH_PG_BATCH_SIZE ?? 1000),
  pagesInFlight: Number(process.env.BENCH_PG_PAGES ?? 1),
  batchParallel: process.env.BENCH_PG_PARALLEL === '1',
};

/**
 * Node flags of every measured node process (engine and hand-written script alike): a 32 MB young
 * generation lets a page's records die young instead of being promoted (≈25% less CPU, lower peak RSS).
 */
const nodeFlags = (process.env.BENCH_PG_NODE_FLAGS ?? '--max-semi-space-size=32').split(' ').filter(Boolean);

async function engineRun(operation: 'insert' | 'upsert'): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'syncline-bench-pg-'));
  const flow = `
connections:
  db: { type: postgres, url: ${JSON.stringify(pgUrl)} }
flows:
  orders:
    concurrency: { pages: ${settings.pagesInFlight} }
    source: { connection: db, type: postgres.table, schema: ${SCHEMA}, table: bench_orders_src, pageSize: ${settings.pageSize} }
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
      - { connection: db, type: postgres.table, schema: ${SCHEMA}, table: bench_sales_orders, operation: ${operation}, key: [order_no], batch: { size: ${settings.batchSize}, parallel: ${settings.batchParallel} } }
`;
  try {
    const file = join(work, 'flow.yaml');
    writeFileSync(file, flow);
    const connectors = [...builtinConnectors, postgresConnector];
    const project = await loadProject(file, { connectors, steps: builtinSteps });
    const store = await openStore(join(work, 'state.db'));
    const engine = createEngine({ connectors, steps: builtinSteps, store });
    const run = await engine.run(project, 'orders');
    await store.close();
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    return run.counts.written + run.counts.skipped;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const measures: Record<string, () => Promise<number>> = {
  'copy-pipe': copyPipe,
  'hand-written': handWritten,
  'engine-insert': () => engineRun('insert'),
  'engine-upsert': () => engineRun('upsert'),
  'engine-upsert-unchanged': () => engineRun('upsert'),
};

interface Measured {
  mode: string;
  records: number;
  seconds: number;
  recordsPerSec: number;
  peakRssMb: number;
}

if (measuring) {
  const measure = measures[measuring];
  if (!measure) throw new Error(`unknown mode ${measuring}`);
  const t0 = performance.now();
  const records = await measure();
  const seconds = (performance.now() - t0) / 1000;
  const m: Measured = {
    mode: measuring,
    records,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSec: Math.round(records / seconds),
    peakRssMb: peakRssMb(),
  };
  console.log(`BENCH ${JSON.stringify(m)}`);
} else {
  await prepare();
  console.log(
    `engine settings: pageSize ${settings.pageSize}, batch.size ${settings.batchSize}, batch.parallel ${settings.batchParallel}, concurrency.pages ${settings.pagesInFlight}; node flags: ${nodeFlags.join(' ') || 'none'}`,
  );
  const script = fileURLToPath(import.meta.url);
  const results = new Map<string, Measured>();
  for (const mode of Object.keys(measures)) {
    if (mode !== 'engine-upsert-unchanged') await truncate();
    const r = spawnSync(process.execPath, [...process.execArgv, ...nodeFlags, script, `--mode=${mode}`, String(rows)], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH '));
    if (r.status !== 0 || !line) throw new Error(`${mode} failed (exit ${r.status}): ${r.stdout}`);
    const m = JSON.parse(line.slice(6)) as Measured;
    results.set(mode, m);
    const count = await withClient((c) => c.query(`SELECT count(*)::int AS n FROM ${DST}`));
    if ((count.rows[0] as { n: number }).n !== rows) throw new Error(`${mode}: target holds ${count.rows[0]?.n} rows`);
    console.log(
      `${mode.padEnd(24)} ${m.recordsPerSec.toLocaleString('en-US').padStart(9)} rec/s  ${m.seconds.toFixed(1).padStart(6)} s  peak RSS ${m.peakRssMb} MB`,
    );
    console.log(line);
  }
  const rate = (mode: string) => results.get(mode)?.recordsPerSec ?? 0;
  const vsCopy = Number((rate('engine-insert') / rate('copy-pipe')).toFixed(2));
  const vsScript = Number((rate('engine-upsert') / rate('hand-written')).toFixed(2));
  const rss = Math.max(...[...results.entries()].filter(([k]) => k.startsWith('engine')).map(([, v]) => v.peakRssMb));
  console.log(
    `postgres → map → postgres, ${rows.toLocaleString('en-US')} rows: engine insert ${vsCopy}× the COPY pipe (target ≥ 0.6×), ` +
      `engine upsert ${vsScript}× the hand-written script (target ≥ 3×), engine peak RSS ${rss} MB (target < 250 MB)`,
  );
  console.log(
    `BENCH ${JSON.stringify({ name: 'postgres-to-postgres', records: rows, settings: { ...settings, nodeFlags }, recordsPerSec: rate('engine-upsert'), insertPerSec: rate('engine-insert'), copyPipePerSec: rate('copy-pipe'), handWrittenPerSec: rate('hand-written'), ratioVsCopy: vsCopy, ratioVsScript: vsScript, peakRssMb: rss })}`,
  );
}
