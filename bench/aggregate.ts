/**
 * Aggregate-step throughput and memory: 1,000,000 generated orders into 100,000 groups
 * (customer × currency: count, sum, avg, min, max, first, last, collect), through the real engine
 * (source → aggregate → a destination that only digests what it gets, with the SQLite state store
 * committing every page), against a hand-written Map-based group-by loop over the same records.
 * Each mode runs in its own process (bench/run.ts), so peak RSS is its own:
 *   node aggregate.js baseline                      the hand-written loop
 *   node aggregate.js engine <maxGroups> <workDir>  the engine; maxGroups < 100,000 spills to the store
 * Prints a human line and, last, `BENCH {json}` with a digest of the groups: equal digests, equal groups.
 * BENCH_AGG_RECORDS and BENCH_AGG_GROUPS change the sizes (e.g. 2,000,000 into 1,000,000 groups).
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { ProjectDefinition } from '../src/config/definition.js';
import { createEngine } from '../src/engine/index.js';
import {
  createRecord,
  type DataRecord,
  defineConnector,
  defineDestination,
  defineSource,
  type JsonObject,
  type Page,
} from '../src/sdk/index.js';
import { builtinSteps } from '../src/steps/index.js';
import { openStore } from '../src/store/index.js';
import { peakRssMb } from './peak-rss.js';

const RECORDS = Number(process.env.BENCH_AGG_RECORDS ?? 1_000_000);
const GROUPS = Number(process.env.BENCH_AGG_GROUPS ?? 100_000); // even: customers × 2 currencies
const PAGE = 1_000;

const DATES = Array.from({ length: 1_000 }, (_, k) =>
  new Date(Date.UTC(2025, 0, 1) + ((k * 7_919) % 1_000) * 31_536_000).toISOString(),
);
const SKUS = Array.from({ length: 500 }, (_, k) => `SKU-${1_000 + k}`);

/** Order `i`: every group gets RECORDS / GROUPS orders, spread over the whole input. */
function order(i: number): JsonObject {
  const g = (i * 7_919) % GROUPS; // 7,919 is prime (and no factor of GROUPS): i → g visits every group evenly
  return {
    id: i,
    customer_id: `C${g >> 1}`,
    currency: (g & 1) === 0 ? 'EUR' : 'USD',
    total: ((i * 104_729) % 50_000) / 100,
    ordered_at: DATES[(i * 31) % DATES.length] as string,
    sku: SKUS[i % SKUS.length] as string,
  };
}

function* pages(): Generator<DataRecord[]> {
  for (let start = 0; start < RECORDS; start += PAGE) {
    const page: DataRecord[] = [];
    for (let i = start; i < Math.min(RECORDS, start + PAGE); i++) page.push(createRecord(order(i), { id: String(i) }));
    yield page;
  }
}

/** Order-independent digest of the groups: two 32-bit FNV-1a hashes of each group's canonical line, summed. */
function createDigest() {
  let a = 0;
  let b = 0;
  let groups = 0;
  const fnv = (text: string, seed: number) => {
    let h = seed;
    for (let k = 0; k < text.length; k++) h = Math.imul(h ^ text.charCodeAt(k), 16_777_619);
    return h >>> 0;
  };
  return {
    add(g: JsonObject) {
      const line = [
        g.customer_id,
        g.currency,
        g.orders,
        (g.revenue as number).toFixed(4),
        (g.avg_total as number).toFixed(4),
        g.first_order,
        g.last_order,
        g.first_sku,
        g.last_sku,
        (g.skus as string[]).join(','),
      ].join('|');
      a = (a + fnv(line, 2_166_136_261)) >>> 0;
      b = (b + fnv(line, 84_696_351)) >>> 0;
      groups += 1;
    },
    value: () => `${groups}:${a.toString(16)}:${b.toString(16)}`,
  };
}

interface Acc {
  customer_id: string;
  currency: string;
  orders: number;
  revenue: number;
  n: number;
  first_order: string;
  last_order: string;
  first_sku: string;
  last_sku: string;
  skus: string[];
}

/** The hand-written group-by: one Map, plain fields, a naive sum. */
function baseline(): string {
  const groups = new Map<string, Acc>();
  for (const page of pages()) {
    for (const r of page) {
      const d = r.data as unknown as ReturnType<typeof order> & { customer_id: string; currency: string };
      const key = `${d.customer_id}\u0001${d.currency}`;
      const total = d.total as number;
      const at = d.ordered_at as string;
      const sku = d.sku as string;
      const g = groups.get(key);
      if (g === undefined) {
        groups.set(key, {
          customer_id: d.customer_id,
          currency: d.currency,
          orders: 1,
          revenue: total,
          n: 1,
          first_order: at,
          last_order: at,
          first_sku: sku,
          last_sku: sku,
          skus: [sku],
        });
        continue;
      }
      g.orders += 1;
      g.revenue += total;
      g.n += 1;
      if (at < g.first_order) g.first_order = at;
      if (at > g.last_order) g.last_order = at;
      g.last_sku = sku;
      if (g.skus.length < 100) g.skus.push(sku);
    }
  }
  const digest = createDigest();
  for (const g of groups.values()) digest.add({ ...g, avg_total: g.revenue / g.n } as unknown as JsonObject);
  return digest.value();
}

/** The same through the engine: a run of source → aggregate → digest destination, with a SQLite state store. */
async function engine(maxGroups: number, work: string): Promise<{ digest: string; spills: number; pages: number }> {
  const digest = createDigest();
  const bench = defineConnector({
    name: 'bench',
    description: 'generated orders (aggregate benchmark)',
    connection: z.object({}).strict(),
    open: () => ({}),
    check: async () => undefined,
    close: async () => undefined,
    sources: [
      defineSource<Record<string, never>, object>({
        type: 'orders',
        description: 'generated orders',
        config: z.object({}).strict(),
        async *read() {
          let n = 0;
          for (const records of pages()) {
            n += records.length;
            const page: Page = { records, checkpoint: n };
            yield page;
          }
        },
      }),
    ],
    destinations: [
      defineDestination<Record<string, never>, object>({
        type: 'digest',
        description: 'digests the groups it gets',
        config: z.object({}).strict(),
        async open() {
          return {
            async write(records) {
              for (const r of records) digest.add(r.data);
              return { rejected: [] };
            },
            async close() {},
          };
        },
      }),
    ],
  });
  const where = 'bench.yaml:1:1';
  const project: ProjectDefinition = {
    file: join(work, 'bench.yaml'),
    baseDir: work,
    connections: { bench: { name: 'bench', type: 'bench', config: {}, where } },
    flows: {
      totals: {
        name: 'totals',
        where,
        source: { connection: 'bench', type: 'bench.orders', config: {}, where },
        steps: [
          {
            name: 'aggregate',
            type: 'aggregate',
            where,
            config: {
              groupBy: ['customer_id', 'currency'],
              fields: {
                orders: { count: true },
                revenue: { sum: 'total' },
                avg_total: { avg: 'total' },
                first_order: { min: 'ordered_at' },
                last_order: { max: 'ordered_at' },
                first_sku: { first: 'sku' },
                last_sku: { last: 'sku' },
                skus: { collect: 'sku', limit: 100 },
              },
              maxGroups,
            },
          },
        ],
        destinations: [
          { name: 'out', connection: 'bench', type: 'bench.digest', config: {}, batch: { size: 5_000 }, where },
        ],
      },
    },
  };
  const statePath = join(work, `state-${maxGroups}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(`${statePath}${suffix}`, { force: true });
  const store = await openStore(statePath);
  const run = await createEngine({ connectors: [bench], steps: builtinSteps, store }).run(project, 'totals', {
    trigger: 'cli',
  });
  await store.close();
  if (run.status !== 'succeeded') throw new Error(`run ${run.status}: ${JSON.stringify(run.error)}`);
  return { digest: digest.value(), spills: run.counts.steps.aggregate?.stats?.spills ?? 0, pages: run.pages };
}

const [mode = 'baseline', maxArg, workArg] = process.argv.slice(2);
const t0 = performance.now();
let result: Record<string, unknown>;
if (mode === 'baseline') {
  result = { digest: baseline() };
} else {
  const maxGroups = Number(maxArg ?? GROUPS);
  result = { maxGroups, ...(await engine(maxGroups, workArg ?? process.cwd())) };
}
const seconds = (performance.now() - t0) / 1000;
const recordsPerSec = Math.round(RECORDS / seconds);
const rss = peakRssMb();
console.log(
  `aggregate ${mode}${mode === 'engine' ? ` maxGroups ${Number(result.maxGroups).toLocaleString('en-US')} (${String(result.spills)} spills)` : ''}: ${RECORDS.toLocaleString('en-US')} records in ${seconds.toFixed(2)} s, ${recordsPerSec.toLocaleString('en-US')} rec/s, peak RSS ${rss} MB`,
);
console.log(
  `BENCH ${JSON.stringify({ mode, records: RECORDS, groups: GROUPS, seconds: Number(seconds.toFixed(2)), recordsPerSec, peakRssMb: rss, ...result })}`,
);
