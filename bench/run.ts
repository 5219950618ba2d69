/**
 * `npm run bench`: every benchmark in its own process (so peak RSS is its own), each measured in at least
 * 3 rounds with engine and baseline interleaved (E B E B E B), printing for each side the median and the
 * best round and the ratio of the medians. Set BENCH_ONLY=mapping,csv to pick, BENCH_ROUNDS to change the
 * rounds. BENCH_ROWS=1000000,5000000 overrides the CSV sizes. The database benchmarks work in databases of
 * their own (`syncline_bench_<pid>` on PostgreSQL and MariaDB), created here and dropped at the end.
 * BENCH_SYNC_ROWS=100000,1000000 sets the sizes (pairs) of the sync benchmark (`BENCH_ONLY=sync`).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrdersCsv } from '../src/demo/generate-orders.js';
import { createBenchDatabases } from './databases.js';
import { interleave, median, ROUNDS, type Round, rate, ratioOf, rss, type Summary, summarize } from './stats.js';

// Compiled by `npm run bench` to bench/.build/bench/: each benchmark runs as plain node (no loader in the measured process).
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const data = join(root, 'bench/.data');
mkdirSync(data, { recursive: true });
const only = process.env.BENCH_ONLY?.split(',');
const want = (name: string) => !only || only.includes(name);
const started = performance.now();

/** One row of the results: the engine side and its baseline, each summarised over its rounds. */
interface Row {
  name: string;
  engine: Summary;
  baseline?: Summary;
  baselineLabel?: string;
  ratio?: number;
}
const results: Row[] = [];

function addRow(name: string, engine: Round[], baseline?: Round[], baselineLabel?: string): Row {
  const e = summarize(engine);
  const b = baseline && baseline.length > 0 ? summarize(baseline) : undefined;
  const row: Row = { name, engine: e, ...(b ? { baseline: b, baselineLabel, ratio: ratioOf(e, b) } : {}) };
  results.push(row);
  console.log(
    `${name}: ${rate(e)}, ${rss(e)}${b ? `; ${baselineLabel ?? 'baseline'} ${rate(b)}, ${rss(b)}; ratio of medians ${row.ratio}×` : ''}`,
  );
  return row;
}

// The database benchmarks' own databases, dropped at the end, on failure and on SIGINT/SIGTERM.
const wantsPostgres = want('postgres') || want('mysql') || want('sync');
const databases = wantsPostgres
  ? await createBenchDatabases({ postgres: true, mysql: want('mysql') || want('sync') })
  : undefined;
if (databases) {
  process.env.SYNCLINE_BENCH_PG_URL = databases.pgUrl;
  process.env.SYNCLINE_BENCH_MYSQL_URL = databases.mysqlUrl;
}
const children = new Set<ChildProcess>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const c of children) c.kill(signal);
    void (databases?.drop() ?? Promise.resolve()).finally(() => process.exit(130));
  });
}

/** Runs one benchmark script; returns every `BENCH {...}` line it printed (the last one first is not assumed). */
async function benchAll(script: string, args: string[] = []): Promise<Record<string, unknown>[]> {
  const child = spawn(process.execPath, [join(here, script.replace(/\.ts$/, '.js')), ...args], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  let stdout = '';
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString();
  });
  const status = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  }).finally(() => children.delete(child));
  const lines = stdout.trim().split('\n');
  for (const l of lines) if (!l.startsWith('BENCH ')) console.log(l);
  const found = lines
    .filter((l) => l.startsWith('BENCH '))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
  if (status !== 0 || found.length === 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${status})`);
  return found;
}

async function bench(script: string, args: string[] = []): Promise<Record<string, unknown>> {
  return (await benchAll(script, args)).at(-1) as Record<string, unknown>;
}

/** One round from a benchmark process's `BENCH` line. */
async function round(script: string, args: string[]): Promise<Round & Record<string, unknown>> {
  const b = await bench(script, args);
  return { ...b, records: Number(b.records), seconds: Number(b.seconds), peakRssMb: Number(b.peakRssMb) };
}

try {
  /** Starts a server process and resolves with the URL it prints (`pattern` captures it). */
  function startServer(
    args: string[],
    pattern: RegExp,
    env: Record<string, string> = {},
  ): Promise<{ child: ReturnType<typeof spawn>; url: string }> {
    const child = spawn(process.execPath, args, {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, ...env },
    });
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        const m = pattern.exec(out);
        if (m?.[1]) resolve({ child, url: m[1] });
      });
      child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited (${code}): ${out}`)));
    });
  }

  function peakRssOf(pid: number | undefined): number {
    const m = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return Math.round(Number(m?.[1] ?? 0) / 1024);
  }

  /** In-process benchmarks print their rounds; the process's peak RSS is charged to every round. */
  function inProcess(b: Record<string, unknown>, side: string): Round[] {
    return (b[side] as Round[]).map((r) => ({ ...r, peakRssMb: Number(b.peakRssMb) }));
  }

  if (want('mapping')) {
    const m = await bench('mapping.ts');
    addRow(
      '10-field mapping, 200,000 records (in one process)',
      inProcess(m, 'engine'),
      inProcess(m, 'baseline'),
      'hand-written JS function',
    );
  }

  if (want('csv')) {
    const sizes = (process.env.BENCH_ROWS ?? '1000000,5000000').split(',').map(Number);
    const byRows = new Map<number, Row>();
    for (const rows of sizes) {
      const csv = join(data, `orders-${rows}.csv`);
      if (!existsSync(csv)) {
        console.log(`generating ${rows.toLocaleString('en-US')} orders…`);
        await writeOrdersCsv(csv, rows);
      }
      const work = join(data, `work-${rows}`);
      mkdirSync(work, { recursive: true });
      // the CLI side (`syncline run`, default settings) for the first size only: it is the headline job
      const withCli = rows === sizes[0];
      const sides: Record<string, () => Promise<Round>> = {
        engine: () => round('csv-to-sqlite.ts', ['engine', csv, work]),
      };
      if (withCli) sides.cli = () => round('csv-to-sqlite.ts', ['cli', csv, work]);
      sides.baseline = () => round('csv-to-sqlite.ts', ['baseline', csv, work]);
      const r: Record<string, Round[]> = await interleave(sides);
      const label = 'hand-written csv-parse + mapping + better-sqlite3';
      const n = rows.toLocaleString('en-US');
      byRows.set(rows, addRow(`CSV → map → SQLite upsert, ${n} rows (in process)`, r.engine ?? [], r.baseline, label));
      if (withCli)
        addRow(
          `CSV → map → SQLite upsert, ${n} rows, through \`syncline run\` (default settings)`,
          r.cli ?? [],
          r.baseline,
          label,
        );
    }
    const small = byRows.get(sizes[0] ?? 0);
    const large = byRows.get(sizes[sizes.length - 1] ?? 0);
    if (small && large && small !== large) {
      console.log(
        `peak RSS at ${sizes.at(-1)?.toLocaleString('en-US')} rows is ${(Number(large.engine.peakRssMb) / Number(small.engine.peakRssMb)).toFixed(2)}× the ${sizes[0]?.toLocaleString('en-US')}-row figure (medians; target ≤ 1.2×)`,
      );
    }
  }

  // HTTP source → SQLite (issue 3): the API runs in a process of its own so it does not share the measured event loop.
  if (want('http')) {
    const rows = 200_000;
    const server = await startServer([join(here, 'http-server.js'), String(rows)], /URL (\S+)/);
    const work = join(data, 'http');
    mkdirSync(work, { recursive: true });
    try {
      const r = await interleave({
        engine: () => round('http-to-sqlite.ts', ['engine', server.url, work]),
        baseline: () => round('http-to-sqlite.ts', ['baseline', server.url, work]),
      });
      addRow(
        `HTTP source (cursor pages of 1,000) → SQLite upsert, ${rows.toLocaleString('en-US')} records`,
        r.engine,
        r.baseline,
        'hand-written fetch + JSON.parse + better-sqlite3 loop',
      );
    } finally {
      server.child.kill('SIGTERM');
    }
  }

  // Webhook ingest (issue 3): 50 concurrent clients against `syncline serve` (the real CLI, persisting every
  // event before its 202 while the flow runs), and against a minimal hand-written Fastify + SQLite receiver.
  // A round starts a fresh server on an empty database; the engine round ends when every event is delivered.
  if (want('webhook')) {
    const events = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
    const clients = 50;
    const work = join(data, 'webhook');
    const load = (url: string, mode: string) => round('webhook-load.ts', [url, String(events), String(clients), mode]);
    const fresh = () => {
      rmSync(work, { recursive: true, force: true });
      mkdirSync(work, { recursive: true });
    };
    const flowYaml = `connections:
  hooks: { type: webhook, auth: { type: hmac-sha256, secret: bench-secret }, eventIdHeader: X-Event-Id }
  erp: { type: sqlite, path: erp.db }
flows:
  orders:
    source: { connection: hooks, type: webhook.events, batch: { size: 500, maxWait: 200ms } }
    steps:
      - map:
          id: { from: id }
          number: { from: order_number }
          email: { from: customer.email, transform: lowercase }
          total: { from: total }
          currency: { from: currency }
    destinations:
      - { connection: erp, type: sqlite.table, table: orders, operation: upsert, key: [id], createTable: true }
`;
    const drains: number[] = [];
    const r = await interleave({
      engine: async () => {
        fresh();
        writeFileSync(join(work, 'flow.yaml'), flowYaml);
        const serve = await startServer(
          [join(root, 'dist/cli/main.js'), 'serve', join(work, 'flow.yaml'), '--port', '0'],
          /listening on (\S+)/,
          { SYNCLINE_DB: join(work, 'state.db'), SYNCLINE_LOG: 'warn' },
        );
        try {
          const eng = await load(serve.url, 'engine');
          // every acknowledged event reaches the destination: wait for it, and say how long the tail took
          const loadEnd = performance.now();
          const Sqlite = (await import('better-sqlite3')).default;
          let delivered = 0;
          while (delivered < events && performance.now() - loadEnd < 120_000) {
            await new Promise((res) => setTimeout(res, 50));
            if (!existsSync(join(work, 'erp.db'))) continue;
            const db = new Sqlite(join(work, 'erp.db'), { readonly: true });
            try {
              delivered = (db.prepare('select count(*) as n from orders').get() as { n: number }).n;
            } catch {
              delivered = 0;
            } finally {
              db.close();
            }
          }
          drains.push((performance.now() - loadEnd) / 1000);
          if (delivered !== events)
            throw new Error(`only ${delivered} of ${events} webhook events reached the destination`);
          return { ...eng, peakRssMb: peakRssOf(serve.child.pid) };
        } finally {
          serve.child.kill('SIGTERM');
        }
      },
      baseline: async () => {
        fresh();
        const baseline = await startServer(
          [join(here, 'webhook-baseline-server.js'), join(work, 'baseline.db')],
          /URL (\S+)/,
        );
        try {
          const base = await load(baseline.url, 'baseline');
          return { ...base, peakRssMb: peakRssOf(baseline.child.pid) };
        } finally {
          baseline.child.kill('SIGTERM');
        }
      },
    });
    const p99 = (rs: Record<string, unknown>[]) => median(rs.map((x) => Number(x.p99Ms)));
    const p50 = (rs: Record<string, unknown>[]) => median(rs.map((x) => Number(x.p50Ms)));
    addRow(
      `webhook ingest, ${events.toLocaleString('en-US')} signed events from ${clients} clients to \`syncline serve\` (p50 ${p50(r.engine)} ms, p99 ${p99(r.engine)} ms; all delivered to SQLite ${median(drains).toFixed(2)} s after the last answer)`,
      r.engine,
      r.baseline,
      `hand-written Fastify + HMAC + better-sqlite3 receiver (p99 ${p99(r.baseline)} ms)`,
    );
  }

  // Lookup with a cache: 1,000,000 records, ~90% cache hits, sqlite.lookup against a hand-written IN-query loop.
  if (want('lookup')) {
    const work = join(data, 'lookup');
    const r = await interleave({
      engine: () => round('lookup.ts', ['engine', work]),
      shared: () => round('lookup.ts', ['shared', work]),
      baseline: () => round('lookup.ts', ['baseline', work]),
    });
    const sums = new Set([...r.engine, ...r.shared, ...r.baseline].map((x) => String(x.checksum)));
    if (sums.size !== 1) throw new Error(`lookup outputs differ: checksums ${[...sums].join(', ')}`);
    const label = 'hand-written IN (…) query per page + Map';
    addRow(
      `sqlite.lookup, 1,000,000 records over 100,000 keys (scope run, hit ratio ${r.engine[0]?.hitRatio})`,
      r.engine,
      r.baseline,
      label,
    );
    addRow(
      `the same with scope shared (cache kept in the store), first run (hit ratio ${r.shared[0]?.hitRatio})`,
      r.shared,
      r.baseline,
      label,
    );
  }

  // Aggregate: 1,000,000 records into 100,000 groups through the engine, in memory and spilling to the SQLite
  // store (BENCH_AGG_MAX_GROUPS, default 100000,20000), against a hand-written Map group-by; equal digests, equal groups.
  if (want('aggregate')) {
    const work = join(data, 'aggregate');
    mkdirSync(work, { recursive: true });
    const limits = (process.env.BENCH_AGG_MAX_GROUPS ?? '100000,20000').split(',').map(Number);
    const sides: Record<string, () => Promise<Round & Record<string, unknown>>> = {
      baseline: () => round('aggregate.ts', ['baseline']),
    };
    for (const maxGroups of limits)
      sides[String(maxGroups)] = () => round('aggregate.ts', ['engine', String(maxGroups), work]);
    const r = await interleave(sides);
    const base: Record<string, unknown> = r.baseline?.[0] ?? {};
    for (const maxGroups of limits) {
      const eng = r[String(maxGroups)] ?? [];
      for (const e of eng)
        if (e.digest !== base.digest)
          throw new Error(
            `aggregate (maxGroups ${maxGroups}): groups differ from the baseline's (${e.digest} ≠ ${base.digest})`,
          );
      const spills = Number(eng[0]?.spills ?? 0);
      const label = `maxGroups ${maxGroups.toLocaleString('en-US')}, ${spills > 0 ? `${spills} spills to the SQLite store` : 'in memory'}`;
      addRow(
        `aggregate, ${Number(base.records).toLocaleString('en-US')} records → ${Number(base.groups).toLocaleString('en-US')} groups (${label})`,
        eng,
        r.baseline,
        'hand-written Map group-by',
      );
    }
  }

  // Script step: a small transform in the QuickJS sandbox, per record and per page, against the same function in host JS.
  if (want('script')) {
    const b = await bench('script.ts');
    const label = 'the same function in host JS (a spread, no deep copy)';
    addRow(
      'script step, small transform, 100,000 records, per record (in one process)',
      inProcess(b, 'engine'),
      inProcess(b, 'baseline'),
      label,
    );
    addRow('the same, per page (`transformPage`)', inProcess(b, 'page'), inProcess(b, 'baseline'), label);
  }

  // Database benchmarks (issue 4), in the databases created above: they need the local PostgreSQL / MariaDB.
  for (const [name, script] of [
    ['postgres', 'postgres.ts'],
    ['mysql', 'mysql-to-postgres.ts'],
  ] as const) {
    if (!want(name)) continue;
    const rows = (process.env.BENCH_DB_ROWS ?? '').trim();
    for (const r of await benchAll(script, rows ? [rows] : []))
      addRow(
        String(r.name),
        r.engine as Round[],
        r.baseline as Round[] | undefined,
        r.baselineLabel as string | undefined,
      );
  }

  // Bi-directional sync (issue 14): PostgreSQL ↔ MySQL, initial and incremental runs at each size of
  // BENCH_SYNC_ROWS (default 100000,1000000 pairs); one round per size (an initial sync of 1M pairs is long).
  if (want('sync')) {
    for (const r of await benchAll('sync.ts')) addRow(String(r.name), r.engine as Round[]);
  }
} finally {
  await databases?.drop();
}

const minutes = ((performance.now() - started) / 60_000).toFixed(1);
console.log(
  `\n${ROUNDS} rounds each, engine and baseline interleaved; records/s of the median round (best round in brackets), peak RSS median (max); ${minutes} min in all, ${new Date().toISOString()}`,
);
console.log(
  '\n| benchmark | engine: records/s, median (best) | baseline: records/s, median (best) | ratio of medians | peak RSS MB, median (max) |\n|---|---:|---:|---:|---:|',
);
const fmt = (s: Summary) => `${s.recordsPerSec.toLocaleString('en-US')} (${s.bestPerSec.toLocaleString('en-US')})`;
for (const r of results) {
  console.log(
    `| ${r.name} | ${fmt(r.engine)} | ${r.baseline ? `${r.baselineLabel}: ${fmt(r.baseline)}` : '—'} | ${r.ratio === undefined ? '—' : `${r.ratio}×`} | ${r.engine.peakRssMb ?? '—'} (${r.engine.maxPeakRssMb ?? '—'}) |`,
  );
}
