/**
 * Script-step throughput: the same small transform (total = qty × price, plus a lowercase email)
 * per record (`transform`) and per page (`transformPage`) in the QuickJS sandbox, against the same
 * function written in host JavaScript, over 100,000 orders in pages of 1,000 in the same process.
 * Prints a human line and, last, `BENCH {json}`. Run: npx tsx bench/script.ts
 */
import { deepStrictEqual } from 'node:assert/strict';
import type { DataRecord, JsonObject, Processor } from '../src/sdk/index.js';
import { scriptConfigSchema, scriptStep } from '../src/steps/index.js';
import { benchContext } from './bench-context.js';
import { peakRssMb } from './peak-rss.js';
import { interleave, type Round } from './stats.js';

const RECORDS = 100_000;
const PAGE = 1_000;

const ctx = benchContext();

function order(i: number): DataRecord {
  const data: JsonObject = {
    id: i,
    sku: `SKU-${i % 5000}`,
    qty: 1 + (i % 7),
    price: ((i * 7919) % 10_000) / 100,
    customer: { email: `Customer.${i}@Example.COM`, name: `Customer ${i}` },
    tags: ['web', i % 2 === 0 ? 'eu' : 'us'],
  };
  return { data, meta: { id: String(i) } };
}

const pages: DataRecord[][] = [];
for (let start = 0; start < RECORDS; start += PAGE)
  pages.push(Array.from({ length: Math.min(PAGE, RECORDS - start) }, (_, j) => order(start + j)));

const body = 'r.total = r.qty * r.price; r.email = r.customer.email.toLowerCase(); return r;';

type Order = JsonObject & { qty: number; price: number; customer: { email: string } };

/**
 * The same transform in host JS, written as one would by hand: a new record from a spread of the input
 * (the input stays untouched, as the sandbox leaves it) — no deep copy, which host code does not need.
 */
function hostTransform(input: JsonObject): JsonObject {
  const r = input as Order;
  return { ...r, total: r.qty * r.price, email: r.customer.email.toLowerCase() };
}

async function processor(code: string): Promise<Processor> {
  return scriptStep.create({ config: scriptConfigSchema.parse({ code }), where: 'bench/step script' }, ctx);
}

const perRecord = await processor(`function transform(r) { ${body} }`);
const perPage = await processor(`function transformPage(records) { return records.map((r) => { ${body} }); }`);

async function through(p: Processor): Promise<DataRecord[]> {
  let last: DataRecord[] = [];
  let count = 0;
  for (const page of pages) {
    const result = await p.process(page, ctx);
    if (result.failed.length > 0) throw result.failed[0]?.error;
    count += result.records.length;
    last = result.records;
  }
  if (count !== RECORDS) throw new Error(`expected ${RECORDS} records, got ${count}`);
  return last;
}

async function baseline(): Promise<DataRecord[]> {
  let last: DataRecord[] = [];
  for (const page of pages) last = page.map((r) => ({ data: hostTransform(r.data), meta: r.meta }));
  return last;
}

async function timed(run: () => Promise<unknown>): Promise<Round> {
  const start = performance.now();
  await run();
  return { records: RECORDS, seconds: (performance.now() - start) / 1000 };
}

const expected = (await baseline()).map((r) => r.data);
deepStrictEqual(
  (await through(perRecord)).map((r) => r.data),
  expected,
);
deepStrictEqual(
  (await through(perPage)).map((r) => r.data),
  expected,
);

const rounds = await interleave({
  engine: () => timed(() => through(perRecord)),
  page: () => timed(() => through(perPage)),
  baseline: () => timed(baseline),
});
const rssMb = peakRssMb();
console.log(
  `script: ${RECORDS.toLocaleString('en-US')} records, ${rounds.engine.length} rounds each (per record, per page, host JS interleaved), peak RSS ${rssMb} MB`,
);
console.log(`BENCH ${JSON.stringify({ name: 'script', ...rounds, peakRssMb: rssMb })}`);
