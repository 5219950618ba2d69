/**
 * PostgreSQL table → map (order_no template, email trim+lowercase, name template, state value map, total
 * number, date format) → PostgreSQL table, 10 columns, through the real engine, each case against its
 * anchors over the same rows, rounds interleaved (see stats.ts):
 * - insert into an empty table, against the physical limit: a `psql \copy … to stdout | psql \copy … from
 *   stdin` pipe with the mapping in SQL;
 * - upsert into an empty table, into a full table whose rows are all stale, and into a full table whose rows
 *   already hold the mapped values (unchanged), each against (a) a hand-written pg script (cursor +
 *   multi-row INSERT … ON CONFLICT DO UPDATE in batches of 1000) and (b) the strongest obvious alternative:
 *   the COPY pipe into a temporary table, then one `INSERT … SELECT … ON CONFLICT DO UPDATE … WHERE
 *   (row) IS DISTINCT FROM (excluded row)` (one psql session);
 * - upsert into an empty table through the CLI (`syncline run`, the flow with default page and batch sizes),
 *   as a user runs it.
 * Each measurement runs in its own process (peak RSS). The target is reset before every measurement.
 * Usage: node bench/.build/bench/postgres.js [rows]   (default 1,000,000). It works in a database of its own
 * (SYNCLINE_BENCH_PG_URL, else it creates `syncline_bench_<pid>` and drops it at the end).
 * Prints a line per case and one `BENCH {...}` line per engine-against-anchor pair.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { builtinConnectors, builtinSteps } from '../src/cli/builtins.js';
import { loadProject } from '../src/config/index.js';
import { postgresConnector } from '../src/connectors/postgres/index.js';
import { createEngine } from '../src/engine/index.js';
import { openStore } from '../src/store/index.js';
import { runCli } from './cli-run.js';
import { benchDatabaseUrls } from './databases.js';
import { peakRssMb } from './peak-rss.js';
import { interleave, ROUNDS, type Round, rate, rss, summarize } from './stats.js';

const [first = '', second = ''] = process.argv.slice(2);
const measuring = first.startsWith('--mode=') ? first.slice(7) : undefined;
const rows = Number((measuring ? second : first) || 1_000_000);
const databases = await benchDatabaseUrls({ postgres: true, mysql: false });
const pgUrl = databases.pgUrl;
const SCHEMA = 'public';
const SRC = 'bench_orders_src';
const DST = 'bench_sales_orders';

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

/** The mapping in SQL (for the COPY pipes and to fill the target); `state` replaces the state column. */
const mapped = (
  state = `CASE status WHEN 'pending' THEN 'draft' WHEN 'confirmed' THEN 'approved' WHEN 'shipped' THEN 'fulfilled' ELSE 'draft' END`,
) => `SELECT 'SO-' || order_id, lower(trim(customer_email)), first_name || ' ' || last_name, ${state},
  total, currency, country, sku, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'), 'shop' FROM ${SRC} ORDER BY order_id`;
const mappedSelect = mapped();

/** The target's state before a measurement: empty, every row stale, or every row already as mapped. */
type Target = 'empty' | 'stale' | 'unchanged';
async function resetTarget(target: Target): Promise<void> {
  await withClient(async (c) => {
    await c.query(`TRUNCATE ${DST}`);
    // each round's engine run has a state store of its own, whose run 1 would find the page markers
    // of an earlier round's run 1 and skip its batches as already written: the markers go with the rows
    await c.query(`DROP TABLE IF EXISTS ${SCHEMA}.syncline_page_markers`);
    if (target === 'empty') return;
    await c.query(`INSERT INTO ${DST} ${target === 'stale' ? mapped(`'stale'`) : mappedSelect}`);
    await c.query(`ANALYZE ${DST}`);
  });
}

/** After a measurement: the target holds every row, none of them stale. */
async function verifyTarget(mode: string): Promise<void> {
  await withClient(async (c) => {
    const r = await c.query(
      `SELECT count(*)::int AS n, count(*) FILTER (WHERE state = 'stale')::int AS stale FROM ${DST}`,
    );
    const { n, stale } = r.rows[0] as { n: number; stale: number };
    if (n !== rows || stale !== 0) throw new Error(`${mode}: target holds ${n} rows, ${stale} of them stale`);
  });
}

const q = (s: string) => `'${s.replaceAll("'", "'\\''")}'`;
function sh(command: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const child = spawn('sh', ['-c', command], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${command.slice(0, 80)}… exited ${code}`))));
  });
}

const copyOut = `\\copy (${mappedSelect.replace(/\s+/g, ' ')}) to stdout`;

async function copyPipe(): Promise<number> {
  const into = `\\copy ${DST} from stdin`;
  await sh(`psql -X -q ${q(pgUrl)} -c ${q(copyOut)} | psql -X -q -v ON_ERROR_STOP=1 ${q(pgUrl)} -c ${q(into)}`);
  return rows;
}

const COLUMNS = [
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

/**
 * The strongest obvious hand-written upsert: the COPY pipe into a temporary table, then one INSERT … ON
 * CONFLICT DO UPDATE that leaves rows already equal alone (one psql session, so the temporary table lives on).
 */
async function copyUpsert(): Promise<number> {
  const rest = COLUMNS.slice(1);
  const upsert = `INSERT INTO ${DST} SELECT * FROM incoming ON CONFLICT (order_no) DO UPDATE SET ${rest.map((c) => `${c} = EXCLUDED.${c}`).join(', ')} WHERE ROW(${rest.map((c) => `${DST}.${c}`).join(', ')}) IS DISTINCT FROM ROW(${rest.map((c) => `EXCLUDED.${c}`).join(', ')})`;
  await sh(
    `psql -X -q ${q(pgUrl)} -c ${q(copyOut)} | psql -X -q -v ON_ERROR_STOP=1 ${q(pgUrl)} -c ${q(`CREATE TEMP TABLE incoming (LIKE ${DST})`)} -c ${q('\\copy incoming from stdin')} -c ${q(upsert)}`,
  );
  return rows;
}

const STATES: Record<string, string> = { pending: 'draft', confirmed: 'approved', shipped: 'fulfilled' };

/** A careful hand-written pg script: one cursor, multi-row INSERT … ON CONFLICT DO UPDATE per 1000 rows. */
async function handWritten(): Promise<number> {
  const reader = new pg.Client({ connectionString: pgUrl });
  const writer = new pg.Client({ connectionString: pgUrl });
  await reader.connect();
  await writer.connect();
  const cols = COLUMNS;
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

/** The flow; `tuned` sets this benchmark's page and batch settings, otherwise the defaults apply (as for a user). */
function flowYaml(operation: 'insert' | 'upsert', tuned: boolean): string {
  const source = tuned ? `, pageSize: ${settings.pageSize}` : '';
  const batch = tuned ? `, batch: { size: ${settings.batchSize}, parallel: ${settings.batchParallel} }` : '';
  return `
connections:
  db: { type: postgres, url: ${JSON.stringify(pgUrl)} }
flows:
  orders:
${tuned ? `    concurrency: { pages: ${settings.pagesInFlight} }\n` : ''}    source: { connection: db, type: postgres.table, schema: ${SCHEMA}, table: ${SRC}${source} }
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
      - { connection: db, type: postgres.table, schema: ${SCHEMA}, table: ${DST}, operation: ${operation}, key: [order_no]${batch} }
`;
}

async function engineRun(operation: 'insert' | 'upsert'): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'syncline-bench-pg-'));
  try {
    const file = join(work, 'flow.yaml');
    writeFileSync(file, flowYaml(operation, true));
    const connectors = [...builtinConnectors, postgresConnector];
    const project = await loadProject(file, { connectors, steps: builtinSteps });
    const store = await openStore(join(work, 'state.db'));
    const engine = createEngine({ connectors, steps: builtinSteps, store });
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    await store.close();
    if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
    return run.counts.written + run.counts.skipped;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The same upsert through `syncline run` in a child process, with the default settings. */
async function cliRun(): Promise<Round> {
  const work = mkdtempSync(join(tmpdir(), 'syncline-bench-pg-cli-'));
  try {
    const file = join(work, 'flow.yaml');
    writeFileSync(file, flowYaml('upsert', false));
    return await runCli(file, 'orders', join(work, 'state.db'), rows);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

const measures: Record<string, () => Promise<number>> = {
  'copy-pipe': copyPipe,
  'copy-upsert': copyUpsert,
  'hand-written': handWritten,
  'engine-insert': () => engineRun('insert'),
  'engine-upsert': () => engineRun('upsert'),
};

const script = fileURLToPath(import.meta.url);

/** Runs one measurement in a process of its own (with `nodeFlags`) and reads its `BENCH` line. */
function measured(mode: string): Round {
  const r = spawnSync(process.execPath, [...process.execArgv, ...nodeFlags, script, `--mode=${mode}`, String(rows)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || !line) throw new Error(`${mode} failed (exit ${r.status}): ${r.stdout}`);
  return JSON.parse(line.slice(6)) as Round;
}

interface Case {
  name: string;
  target: Target;
  engine: string;
  anchors: Record<string, string>;
}

/** The cases: the engine side first, then its anchors (mode → label in the results). */
const cases: Case[] = [
  { name: 'insert, empty table', target: 'empty', engine: 'engine-insert', anchors: { 'copy-pipe': 'COPY pipe' } },
  {
    name: 'upsert, empty table',
    target: 'empty',
    engine: 'engine-upsert',
    anchors: {
      'cli-upsert': 'the same job through `syncline run`, default settings',
      'hand-written': 'hand-written pg script',
      'copy-upsert': 'COPY into a temp table + one INSERT … ON CONFLICT',
    },
  },
  {
    name: 'upsert, full table, every row stale',
    target: 'stale',
    engine: 'engine-upsert',
    anchors: {
      'hand-written': 'hand-written pg script',
      'copy-upsert': 'COPY into a temp table + one INSERT … ON CONFLICT',
    },
  },
  {
    name: 'upsert, full table, every row unchanged',
    target: 'unchanged',
    engine: 'engine-upsert',
    anchors: {
      'hand-written': 'hand-written pg script',
      'copy-upsert': 'COPY into a temp table + one INSERT … ON CONFLICT',
    },
  },
];

if (measuring) {
  const measure = measures[measuring];
  if (!measure) throw new Error(`unknown mode ${measuring}`);
  const t0 = performance.now();
  const records = await measure();
  const seconds = (performance.now() - t0) / 1000;
  console.log(`BENCH ${JSON.stringify({ records, seconds: Number(seconds.toFixed(3)), peakRssMb: peakRssMb() })}`);
} else {
  try {
    await prepare();
    console.log(
      `engine settings: pageSize ${settings.pageSize}, batch.size ${settings.batchSize}, batch.parallel ${settings.batchParallel}, concurrency.pages ${settings.pagesInFlight}; node flags: ${nodeFlags.join(' ') || 'none'}; ${ROUNDS} rounds, interleaved`,
    );
    const only = process.env.BENCH_PG_CASES?.split(',');
    for (const c of cases.filter((_, i) => !only || only.includes(String(i + 1)))) {
      const sides: Record<string, () => Promise<Round>> = {};
      for (const mode of [c.engine, ...Object.keys(c.anchors)]) {
        sides[mode] = async () => {
          await resetTarget(c.target);
          const r = mode === 'cli-upsert' ? await cliRun() : measured(mode);
          await verifyTarget(mode);
          return r;
        };
      }
      const rounds = await interleave(sides);
      const engine = summarize(rounds[c.engine] ?? []);
      console.log(
        `postgres → map → postgres, ${rows.toLocaleString('en-US')} rows, ${c.name}: engine ${rate(engine)}, ${rss(engine)}`,
      );
      for (const [mode, label] of Object.entries(c.anchors)) {
        if (mode === 'cli-upsert') {
          // the CLI is an engine side of its own, against the hand-written script
          const cli = summarize(rounds[mode] ?? []);
          console.log(`  ${label}: ${rate(cli)}, ${rss(cli)}`);
          console.log(
            `BENCH ${JSON.stringify({ name: `postgres → postgres ${rows.toLocaleString('en-US')}, ${c.name}, through \`syncline run\` (default settings)`, engine: rounds[mode], baseline: rounds['hand-written'], baselineLabel: 'hand-written pg script' })}`,
          );
          continue;
        }
        const anchor = summarize(rounds[mode] ?? []);
        const ratio = Number((engine.recordsPerSec / anchor.recordsPerSec).toFixed(2));
        console.log(`  ${label}: ${rate(anchor)}, ${rss(anchor)}; engine/anchor ${ratio}×`);
        console.log(
          `BENCH ${JSON.stringify({ name: `postgres → postgres ${rows.toLocaleString('en-US')}, ${c.name}`, engine: rounds[c.engine], baseline: rounds[mode], baselineLabel: label })}`,
        );
      }
    }
  } finally {
    await databases.done();
  }
}
