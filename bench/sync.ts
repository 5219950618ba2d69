/**
 * Bi-directional sync (issue 14), PostgreSQL ↔ MySQL (MariaDB), through the real engine in process with a
 * SQLite store: the initial sync of P pairs — half of them on both sides (matched by email), a quarter only
 * on each side (created on the other) — then the run after it (it reads our own creates back: echoes, no
 * writes), then an incremental run after 1% of the records changed on each side (a name on the CRM, a city
 * on the ERP). Each run is measured in a process of its own (peak RSS, --max-semi-space-size=32 like the
 * other database benchmarks). Printed per size: records/s of each run (records read from both sides), the
 * incremental run's time as a share of the initial run's (target ≤ 5%), peak RSS of each (target < 300 MB),
 * and the peak RSS of the largest size against the smallest's (flat). Every run's result is checked: rows on
 * both sides, links, and what the incremental run wrote.
 * Usage: node bench/.build/bench/sync.js [pairs,…]   (default BENCH_SYNC_ROWS, else 100000,1000000).
 * Works in databases of its own (SYNCLINE_BENCH_PG_URL / SYNCLINE_BENCH_MYSQL_URL, else its own, dropped).
 * Prints one `BENCH {...}` line per run measured.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { builtinConnectors, builtinSteps } from '../src/cli/builtins.js';
import { loadProject } from '../src/config/index.js';
import { createEngine } from '../src/engine/index.js';
import { openStore } from '../src/store/index.js';
import { benchDatabaseUrls } from './databases.js';
import { peakRssMb } from './peak-rss.js';
import type { Round } from './stats.js';
import { changeOnePercent, checkSides, type SyncSides, seedSides, syncSides } from './sync-sides.js';

const [first = '', second = '', third = ''] = process.argv.slice(2);
const measuring = first.startsWith('--mode=') ? first.slice(7) : undefined;
const databases = await benchDatabaseUrls({ postgres: true, mysql: true });
const { pgUrl, mysqlUrl } = databases;

const flowYaml = `
connections:
  crm: { type: postgres, url: ${JSON.stringify(pgUrl)} }
  erp: { type: mysql, url: ${JSON.stringify(mysqlUrl)} }
syncs:
  customers:
    a: { connection: crm, table: bench_sync_crm, key: id, cursor: updated_at, stampCursor: true }
    b: { connection: erp, table: bench_sync_erp, key: client_no, cursor: modified, stampCursor: true }
    fields:
      email: { b: email_address }
      name: { b: full_name }
      city: {}
    match: [email]
    batch: 1000
`;

/** One sync run in this process (the measured child): records read, seconds, peak RSS, what it wrote. */
async function measureRun(work: string): Promise<void> {
  const file = join(work, 'flow.yaml');
  const project = await loadProject(file, { connectors: builtinConnectors, steps: builtinSteps });
  const store = await openStore(join(work, 'state.db'));
  const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
  const t0 = performance.now();
  const run = await engine.run(project, 'customers', { trigger: 'bench' });
  const seconds = (performance.now() - t0) / 1000;
  await engine.close();
  await store.close();
  if (run.status !== 'succeeded') throw new Error(`sync run ${run.status}: ${JSON.stringify(run.error)}`);
  const s = run.counts.sync;
  if (!s) throw new Error('the run has no sync counters');
  const result = {
    records: s.a.read + s.b.read,
    seconds: Number(seconds.toFixed(3)),
    peakRssMb: peakRssMb(),
    created: s.a.created + s.b.created,
    updated: s.a.updated + s.b.updated,
    echoes: s.a.echoes + s.b.echoes,
    matched: s.matched,
  };
  console.log(`BENCH ${JSON.stringify(result)}`);
}

const script = fileURLToPath(import.meta.url);
const nodeFlags = ['--max-semi-space-size=32'];

/** A measured sync run: records read from both sides, and what it did. */
interface SyncRound extends Round {
  created: number;
  updated: number;
  echoes: number;
  matched: number;
}

function measured(mode: string, work: string): SyncRound {
  const r = spawnSync(process.execPath, [...process.execArgv, ...nodeFlags, script, `--mode=${mode}`, work], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, SYNCLINE_LOG: 'warn' },
  });
  const line = r.stdout.split('\n').find((l) => l.startsWith('BENCH '));
  if (r.status !== 0 || !line) throw new Error(`${mode} failed (exit ${r.status}): ${r.stdout}`);
  return JSON.parse(line.slice(6)) as SyncRound;
}

const perSec = (r: Round) => Math.round(r.records / r.seconds).toLocaleString('en-US');

async function benchSize(sides: SyncSides, pairs: number): Promise<{ initial: Round; incremental: Round }> {
  const n = pairs.toLocaleString('en-US');
  const seeded = await seedSides(sides, pairs);
  console.log(
    `sync ${n} pairs: seeded ${(0.75 * pairs).toLocaleString('en-US')} rows on each side in ${seeded.toFixed(1)} s`,
  );
  const work = mkdtempSync(join(tmpdir(), 'syncline-bench-sync-'));
  try {
    writeFileSync(join(work, 'flow.yaml'), flowYaml);
    const initial = measured('run', work);
    await checkSides(sides, pairs, pairs);
    const settle = measured('run', work);
    if (settle.created + settle.updated > 0)
      throw new Error(`the run after the initial sync wrote ${settle.created + settle.updated} records`);
    const changed = await changeOnePercent(sides);
    const incremental = measured('run', work);
    await checkSides(sides, pairs, pairs);
    if (incremental.created !== 0 || incremental.updated !== changed)
      throw new Error(
        `incremental run: ${incremental.created} created, ${incremental.updated} updated; expected 0 and ${changed}`,
      );
    const ratio = (incremental.seconds / initial.seconds) * 100;
    console.log(
      `sync ${n} pairs: initial ${initial.seconds} s (${perSec(initial)} records/s read, ${initial.created.toLocaleString('en-US')} created, peak RSS ${initial.peakRssMb} MB); ` +
        `run after it ${settle.seconds} s (${settle.echoes.toLocaleString('en-US')} echoes, 0 writes, peak RSS ${settle.peakRssMb} MB); ` +
        `incremental after 1% changed on each side ${incremental.seconds} s (${perSec(incremental)} records/s, ${changed.toLocaleString('en-US')} updated, peak RSS ${incremental.peakRssMb} MB); ` +
        `incremental/initial time ${ratio.toFixed(2)}% (target ≤ 5%)`,
    );
    const name = (what: string) => `sync PostgreSQL ↔ MySQL, ${n} pairs (half matching): ${what}`;
    console.log(`BENCH ${JSON.stringify({ name: name('initial sync'), engine: [initial] })}`);
    console.log(
      `BENCH ${JSON.stringify({ name: name(`incremental, 1% changed per side (${ratio.toFixed(2)}% of the initial time)`), engine: [incremental] })}`,
    );
    return { initial, incremental };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (measuring === 'run') await measureRun(second || third);
else if (measuring) throw new Error(`unknown mode ${measuring}`);
else {
  const sizes = (first || process.env.BENCH_SYNC_ROWS || '100000,1000000').split(',').map(Number);
  const sides = await syncSides(pgUrl, mysqlUrl);
  try {
    const results = [];
    for (const pairs of sizes) results.push(await benchSize(sides, pairs));
    const small = results[0];
    const large = results.at(-1);
    if (small && large && sizes.length > 1) {
      const times = (k: 'initial' | 'incremental') =>
        `${k} ${large[k].peakRssMb} vs ${small[k].peakRssMb} MB (${(Number(large[k].peakRssMb) / Number(small[k].peakRssMb)).toFixed(2)}×)`;
      console.log(
        `sync peak RSS at ${sizes.at(-1)?.toLocaleString('en-US')} pairs vs ${sizes[0]?.toLocaleString('en-US')}: ${times('initial')}, ${times('incremental')} (flat: ≈ 1×)`,
      );
    }
  } finally {
    await sides.close();
    await databases.done();
  }
}
