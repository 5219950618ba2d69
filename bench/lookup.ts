/**
 * Lookup with a cache: 1,000,000 records in pages of 1,000, each carrying one of 100,000 customer
 * e-mails drawn at random (so ~90% of the records find their key already cached), enriched with the
 * customer's id and tier from a SQLite table of 200,000 customers.
 *
 * Modes (one process each, so peak RSS is its own):
 * - `engine`: the `sqlite.lookup` step (cache size 200,000, scope run) through the engine's applySteps;
 * - `shared`: the same with `scope: shared`, the cache also kept in a SQLite state store;
 * - `baseline`: a hand-written loop — per page one `SELECT … WHERE email IN (…)` (better-sqlite3,
 *   statements prepared once per list length) for the keys a Map does not hold yet.
 * Usage: node lookup.js <engine|shared|baseline> <work dir>. Prints `BENCH {...}` with records/s,
 * the measured hit ratio, a checksum of the output (equal in every mode) and peak RSS.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openSqliteConnection, sqliteConnectionConfig } from '../src/connectors/sqlite/connection.js';
import { sqliteLookupStep } from '../src/connectors/sqlite/lookup-step.js';
import { applySteps } from '../src/engine/apply-steps.js';
import { storeState } from '../src/engine/make-context.js';
import { type Context, type DataRecord, type JsonObject, systemClock } from '../src/sdk/index.js';
import { openStore } from '../src/store/index.js';
import { benchContext } from './bench-context.js';
import { peakRssMb } from './peak-rss.js';

const RECORDS = 1_000_000;
const PAGE = 1_000;
const KEYS = 100_000;
const CUSTOMERS = 200_000;

const [mode = '', work = ''] = process.argv.slice(2);
if (!['engine', 'shared', 'baseline'].includes(mode) || !work) {
  throw new Error('usage: lookup.js <engine|shared|baseline> <work dir>');
}
mkdirSync(work, { recursive: true });
const erp = join(work, 'customers.db');
if (!existsSync(erp)) {
  const db = new Database(erp);
  db.pragma('journal_mode = WAL');
  db.exec('create table customers (id integer primary key, email text not null unique, tier text, country text)');
  const insert = db.prepare('insert into customers values (?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 1; i <= CUSTOMERS; i++) insert.run(i, `c${i}@example.com`, `t${i % 5}`, i % 2 ? 'DE' : 'FR');
  })();
  db.close();
}

/** The same pages in every mode: a seeded generator (mulberry32) draws the customer of each record. */
function* pages(): Generator<DataRecord[]> {
  let seed = 42;
  const random = () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  for (let start = 0; start < RECORDS; start += PAGE) {
    const page: DataRecord[] = [];
    for (let i = start; i < start + PAGE; i++) {
      const customer = 1 + Math.floor(random() * KEYS);
      page.push({
        data: { order: i, total: i % 997, customer: { email: `c${customer}@example.com` } },
        meta: { id: String(i) },
      });
    }
    yield page;
  }
}

const ctx = benchContext(work);

interface Outcome {
  records: number;
  hits: number;
  misses: number;
  checksum: number;
}

async function engine(shared: boolean): Promise<Outcome> {
  const statePath = join(work, 'state.db');
  for (const f of [statePath, `${statePath}-wal`, `${statePath}-shm`]) rmSync(f, { force: true });
  const store = shared ? await openStore(statePath) : undefined;
  const run: Context = store ? { ...ctx, state: storeState(store, systemClock) } : ctx;
  const connection = openSqliteConnection(sqliteConnectionConfig.parse({ path: erp, readonly: true }), ctx);
  const config = sqliteLookupStep.config.parse({
    connection: 'erp',
    table: 'customers',
    match: { email: 'customer.email' },
    fields: { customer_id: 'id', tier: 'tier' },
    onMissing: 'null',
    cache: { size: 200_000, ttl: '1h', scope: shared ? 'shared' : 'run' },
  });
  const def = { name: 'sqlite.lookup', type: 'sqlite.lookup', config, where: 'bench' };
  const processor = await sqliteLookupStep.create({ config, where: 'flow bench/step sqlite.lookup', connection }, run);
  const steps = [{ def, index: 0, processor }];
  const out: Outcome = { records: 0, hits: 0, misses: 0, checksum: 0 };
  for (const page of pages()) {
    const result = await applySteps(steps, page, run);
    if (result.failures.length > 0) throw result.failures[0]?.error;
    // what the engine's page commit stores: the answers a shared cache fetched
    for (const w of result.commit) await store?.putState(w.namespace, w.entries, systemClock.now());
    const stats = result.counts.get('sqlite.lookup')?.stats ?? {};
    out.hits += stats.hits ?? 0;
    out.misses += stats.misses ?? 0;
    for (const r of result.records) out.checksum += Number(r.data.customer_id ?? 0);
    out.records += result.records.length;
  }
  connection.db.close();
  await store?.close();
  return out;
}

async function baseline(): Promise<Outcome> {
  const db = new Database(erp, { readonly: true });
  const statements = new Map<number, Database.Statement>();
  const select = (n: number) => {
    let s = statements.get(n);
    if (!s) {
      s = db.prepare(`SELECT email, id, tier FROM customers WHERE email IN (${Array(n).fill('?').join(', ')})`);
      statements.set(n, s);
    }
    return s;
  };
  const cache = new Map<string, { id: number; tier: string } | null>();
  const out: Outcome = { records: 0, hits: 0, misses: 0, checksum: 0 };
  for (const page of pages()) {
    const wanted = new Set<string>();
    for (const r of page) {
      const email = (r.data.customer as JsonObject).email as string;
      if (!cache.has(email)) wanted.add(email);
    }
    if (wanted.size > 0) {
      const keys = [...wanted];
      for (const k of keys) cache.set(k, null);
      for (const row of select(keys.length).all(...keys) as { email: string; id: number; tier: string }[])
        cache.set(row.email, { id: row.id, tier: row.tier });
    }
    out.misses += wanted.size;
    out.hits += page.length - wanted.size;
    const records: DataRecord[] = [];
    for (const r of page) {
      const found = cache.get((r.data.customer as JsonObject).email as string) ?? null;
      records.push({ data: { ...r.data, customer_id: found?.id ?? null, tier: found?.tier ?? null }, meta: r.meta });
    }
    for (const r of records) out.checksum += Number(r.data.customer_id ?? 0);
    out.records += records.length;
  }
  db.close();
  return out;
}

const started = performance.now();
const result = mode === 'baseline' ? await baseline() : await engine(mode === 'shared');
const seconds = (performance.now() - started) / 1000;
const hitRatio = Number((result.hits / (result.hits + result.misses)).toFixed(4));
console.log(
  `BENCH ${JSON.stringify({
    mode,
    records: result.records,
    seconds: Number(seconds.toFixed(2)),
    recordsPerSec: Math.round(result.records / seconds),
    hitRatio,
    checksum: result.checksum,
    peakRssMb: peakRssMb(),
  })}`,
);
