/**
 * `npm run bench`: every benchmark in its own process (so peak RSS is its own), each printing
 * its ratio against a baseline measured in the same run. Set BENCH_ONLY=mapping,csv to pick.
 * BENCH_ROWS=1000000,5000000 overrides the CSV sizes.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeOrdersCsv } from '../src/demo/generate-orders.js';

// Compiled by `npm run bench` to bench/.build/bench/: each benchmark runs as plain node (no loader in the measured process).
const here = fileURLToPath(new URL('.', import.meta.url));
const root = join(here, '../../..');
const data = join(root, 'bench/.data');
mkdirSync(data, { recursive: true });
const only = process.env.BENCH_ONLY?.split(',');
const want = (name: string) => !only || only.includes(name);
const results: Record<string, unknown>[] = [];

/** Runs one benchmark script; returns every `BENCH {...}` line it printed (the last one first is not assumed). */
function benchAll(script: string, args: string[] = []): Record<string, unknown>[] {
  const r = spawnSync(process.execPath, [join(here, script.replace(/\.ts$/, '.js')), ...args], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  });
  process.stderr.write(r.stderr);
  const lines = r.stdout.trim().split('\n');
  for (const l of lines) if (!l.startsWith('BENCH ')) console.log(l);
  const found = lines
    .filter((l) => l.startsWith('BENCH '))
    .map((l) => JSON.parse(l.slice(6)) as Record<string, unknown>);
  if (r.status !== 0 || found.length === 0) throw new Error(`${script} ${args.join(' ')} failed (exit ${r.status})`);
  return found;
}

function bench(script: string, args: string[] = []): Record<string, unknown> {
  return benchAll(script, args).at(-1) as Record<string, unknown>;
}

if (want('mapping')) {
  const m = bench('mapping.ts');
  results.push(m);
}

if (want('csv')) {
  const sizes = (process.env.BENCH_ROWS ?? '1000000,5000000').split(',').map(Number);
  const byRows = new Map<number, Record<string, unknown>>();
  for (const rows of sizes) {
    const csv = join(data, `orders-${rows}.csv`);
    if (!existsSync(csv)) {
      console.log(`generating ${rows.toLocaleString('en-US')} orders…`);
      await writeOrdersCsv(csv, rows);
    }
    const work = join(data, `work-${rows}`);
    mkdirSync(work, { recursive: true });
    const base = bench('csv-to-sqlite.ts', ['baseline', csv, work]);
    const eng = bench('csv-to-sqlite.ts', ['engine', csv, work]);
    const ratio = Number(eng.recordsPerSec) / Number(base.recordsPerSec);
    const row = {
      name: `csv-to-sqlite ${rows.toLocaleString('en-US')}`,
      recordsPerSec: eng.recordsPerSec,
      baselinePerSec: base.recordsPerSec,
      ratio: Number(ratio.toFixed(2)),
      peakRssMb: eng.peakRssMb,
      baselinePeakRssMb: base.peakRssMb,
      seconds: eng.seconds,
    };
    byRows.set(rows, row);
    console.log(
      `csv → map → sqlite upsert, ${rows.toLocaleString('en-US')} rows: ${Number(eng.recordsPerSec).toLocaleString('en-US')} rec/s (target ≥ 100,000), hand-written baseline ${Number(base.recordsPerSec).toLocaleString('en-US')} rec/s, ratio ${ratio.toFixed(2)}×, peak RSS ${eng.peakRssMb} MB (target < 300; baseline ${base.peakRssMb} MB)`,
    );
    results.push(row);
  }
  const small = byRows.get(sizes[0] ?? 0);
  const large = byRows.get(sizes[sizes.length - 1] ?? 0);
  if (small && large && small !== large) {
    console.log(
      `peak RSS at ${sizes.at(-1)?.toLocaleString('en-US')} rows is ${(Number(large.peakRssMb) / Number(small.peakRssMb)).toFixed(2)}× the ${sizes[0]?.toLocaleString('en-US')}-row figure (target ≤ 1.2×)`,
    );
  }
}

// HTTP source → SQLite (issue 3): the API runs in a process of its own so it does not share the measured event loop.
if (want('http')) {
  const rows = 200_000;
  const server = spawn(process.execPath, [join(here, 'http-server.js'), String(rows)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    server.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /URL (\S+)/.exec(out);
      if (m?.[1]) resolve(m[1]);
    });
    server.once('exit', (code) => reject(new Error(`the HTTP test server exited (${code})`)));
  });
  const work = join(data, 'http');
  mkdirSync(work, { recursive: true });
  try {
    const base = bench('http-to-sqlite.ts', ['baseline', url, work]);
    const eng = bench('http-to-sqlite.ts', ['engine', url, work]);
    const ratio = Number((Number(eng.recordsPerSec) / Number(base.recordsPerSec)).toFixed(2));
    console.log(
      `http source → sqlite upsert, ${rows.toLocaleString('en-US')} records: ${Number(eng.recordsPerSec).toLocaleString('en-US')} rec/s, hand-written fetch loop ${Number(base.recordsPerSec).toLocaleString('en-US')} rec/s, ratio ${ratio}× (target ≥ 0.8×), peak RSS ${eng.peakRssMb} MB`,
    );
    results.push({
      name: `http-to-sqlite ${rows.toLocaleString('en-US')}`,
      recordsPerSec: eng.recordsPerSec,
      baselinePerSec: base.recordsPerSec,
      ratio,
      peakRssMb: eng.peakRssMb,
    });
  } finally {
    server.kill('SIGTERM');
  }
}

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

// Webhook ingest (issue 3): 50 concurrent clients against `syncline serve` (the real CLI, persisting every
// event before its 202 while the flow runs), and against a minimal hand-written Fastify + SQLite receiver.
if (want('webhook')) {
  const events = Number(process.env.BENCH_WEBHOOK_EVENTS ?? 20_000);
  const clients = 50;
  const work = join(data, 'webhook');
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const load = (url: string, mode: string) => bench('webhook-load.ts', [url, String(events), String(clients), mode]);

  const baseline = await startServer(
    [join(here, 'webhook-baseline-server.js'), join(work, 'baseline.db')],
    /URL (\S+)/,
  );
  const base = load(baseline.url, 'baseline');
  const baselineRss = peakRssOf(baseline.child.pid);
  baseline.child.kill('SIGTERM');

  writeFileSync(
    join(work, 'flow.yaml'),
    `connections:
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
`,
  );
  const serve = await startServer(
    [join(root, 'dist/cli/main.js'), 'serve', join(work, 'flow.yaml'), '--port', '0'],
    /listening on (\S+)/,
    { SYNCLINE_DB: join(work, 'state.db'), SYNCLINE_LOG: 'warn' },
  );
  const eng = load(serve.url, 'engine');
  // every acknowledged event reaches the destination: wait for it, and say how long the tail took
  const loadEnd = performance.now();
  const Sqlite = (await import('better-sqlite3')).default;
  let delivered = 0;
  while (delivered < events && performance.now() - loadEnd < 120_000) {
    await new Promise((r) => setTimeout(r, 50));
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
  const drainSeconds = ((performance.now() - loadEnd) / 1000).toFixed(2);
  const serveRss = peakRssOf(serve.child.pid);
  serve.child.kill('SIGTERM');
  if (delivered !== events) throw new Error(`only ${delivered} of ${events} webhook events reached the destination`);
  const ratio = Number((Number(eng.recordsPerSec) / Number(base.recordsPerSec)).toFixed(2));
  console.log(
    `webhook ingest, ${events.toLocaleString('en-US')} events from ${clients} clients: ${Number(eng.recordsPerSec).toLocaleString('en-US')} events/s accepted and persisted (target ≥ 3,000), p50 ${eng.p50Ms} ms, p99 ${eng.p99Ms} ms (target < 50), hand-written receiver ${Number(base.recordsPerSec).toLocaleString('en-US')} events/s (p99 ${base.p99Ms} ms), ratio ${ratio}×; all ${delivered.toLocaleString('en-US')} delivered to SQLite ${drainSeconds} s after the last answer; peak RSS ${serveRss} MB (baseline ${baselineRss} MB)`,
  );
  results.push({
    name: `webhook ingest ${events.toLocaleString('en-US')} (p99 ${eng.p99Ms} ms)`,
    recordsPerSec: eng.recordsPerSec,
    baselinePerSec: base.recordsPerSec,
    ratio,
    peakRssMb: serveRss,
  });
}

// Lookup with a cache: 1,000,000 records, ~90% cache hits, sqlite.lookup against a hand-written IN-query loop.
if (want('lookup')) {
  const work = join(data, 'lookup');
  const base = bench('lookup.ts', ['baseline', work]);
  const eng = bench('lookup.ts', ['engine', work]);
  const shared = bench('lookup.ts', ['shared', work]);
  if (eng.checksum !== base.checksum || shared.checksum !== base.checksum)
    throw new Error(`lookup outputs differ: checksums ${base.checksum}, ${eng.checksum}, ${shared.checksum}`);
  for (const [label, r] of [
    ['scope run', eng],
    ['scope shared', shared],
  ] as const) {
    const ratio = Number((Number(r.recordsPerSec) / Number(base.recordsPerSec)).toFixed(2));
    console.log(
      `lookup (${label}), 1,000,000 records: ${Number(r.recordsPerSec).toLocaleString('en-US')} rec/s, hit ratio ${r.hitRatio}, hand-written IN-query loop with a Map ${Number(base.recordsPerSec).toLocaleString('en-US')} rec/s (hit ratio ${base.hitRatio}), ratio ${ratio}×, peak RSS ${r.peakRssMb} MB (baseline ${base.peakRssMb} MB)`,
    );
    results.push({
      name: `lookup 1,000,000 (${label}, hit ratio ${r.hitRatio})`,
      recordsPerSec: r.recordsPerSec,
      baselinePerSec: base.recordsPerSec,
      ratio,
      peakRssMb: r.peakRssMb,
    });
  }
}

// Aggregate: 1,000,000 records into 100,000 groups through the engine, in memory and spilling to the SQLite
// store (BENCH_AGG_MAX_GROUPS, default 100000,20000), against a hand-written Map group-by; equal digests, equal groups.
if (want('aggregate')) {
  const work = join(data, 'aggregate');
  mkdirSync(work, { recursive: true });
  const base = bench('aggregate.ts', ['baseline']);
  for (const maxGroups of (process.env.BENCH_AGG_MAX_GROUPS ?? '100000,20000').split(',').map(Number)) {
    const eng = bench('aggregate.ts', ['engine', String(maxGroups), work]);
    if (eng.digest !== base.digest)
      throw new Error(
        `aggregate (maxGroups ${maxGroups}): groups differ from the baseline's (${eng.digest} ≠ ${base.digest})`,
      );
    const ratio = Number((Number(eng.recordsPerSec) / Number(base.recordsPerSec)).toFixed(2));
    const label = `maxGroups ${maxGroups.toLocaleString('en-US')}, ${Number(eng.spills) > 0 ? `${eng.spills} spills` : 'in memory'}`;
    console.log(
      `aggregate, ${Number(base.records).toLocaleString('en-US')} records → ${Number(base.groups).toLocaleString('en-US')} groups (${label}): ${Number(eng.recordsPerSec).toLocaleString('en-US')} rec/s, hand-written Map group-by ${Number(base.recordsPerSec).toLocaleString('en-US')} rec/s, ratio ${ratio}×, peak RSS ${eng.peakRssMb} MB (baseline ${base.peakRssMb} MB)`,
    );
    results.push({
      name: `aggregate ${Number(base.records).toLocaleString('en-US')} → ${Number(base.groups).toLocaleString('en-US')} groups (${label})`,
      recordsPerSec: eng.recordsPerSec,
      baselinePerSec: base.recordsPerSec,
      ratio,
      peakRssMb: eng.peakRssMb,
    });
  }
}

// Script step: a small transform in the QuickJS sandbox, per record and per page, against the same function in host JS.
if (want('script')) {
  const r = bench('script.ts');
  console.log(
    `script step, 100,000 records: ${Number(r.recordsPerSec).toLocaleString('en-US')} rec/s per record, ${Number(r.pagePerSec).toLocaleString('en-US')} rec/s per page; host JS ${Number(r.baselinePerSec).toLocaleString('en-US')} rec/s, ratio ${r.ratio}×, peak RSS ${r.peakRssMb} MB`,
  );
  results.push(r);
}

// Database benchmarks (issue 4): run when their scripts exist; they need the local PostgreSQL / MariaDB.
for (const [name, script] of [
  ['postgres', 'postgres.ts'],
  ['mysql', 'mysql-to-postgres.ts'],
] as const) {
  if (!want(name) || !existsSync(join(here, script.replace(/\.ts$/, '.js')))) continue;
  const rows = (process.env.BENCH_DB_ROWS ?? '').trim();
  for (const r of benchAll(script, rows ? [rows] : []))
    results.push({ ...r, name: r.name ?? `${name} ${String(r.mode ?? '')}`.trim() });
}

console.log('\n| benchmark | records/s | baseline records/s | ratio | peak RSS (MB) |\n|---|---:|---:|---:|---:|');
const num = (v: unknown) => (typeof v === 'number' ? v.toLocaleString('en-US') : '-');
for (const r of results) {
  console.log(
    `| ${r.name} | ${num(r.recordsPerSec)} | ${num(r.baselinePerSec)} | ${r.ratio === undefined ? '-' : `${r.ratio}×`} | ${num(r.peakRssMb)} |`,
  );
}
