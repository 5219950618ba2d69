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

const RECORDS = 100_000;
const PAGE = 1_000;
const RUNS = 3;

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

function hostTransform(input: JsonObject): JsonObject {
  const r = structuredClone(input) as JsonObject & { qty: number; price: number; customer: { email: string } };
  r.total = r.qty * r.price;
  r.email = r.customer.email.toLowerCase();
  return r;
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

async function best(run: () => Promise<unknown>): Promise<number> {
  let fastest = Number.POSITIVE_INFINITY;
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    await run();
    fastest = Math.min(fastest, performance.now() - start);
  }
  return Math.round(RECORDS / (fastest / 1000));
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

const recordsPerSec = await best(() => through(perRecord));
const pagePerSec = await best(() => through(perPage));
const baselinePerSec = await best(baseline);
const ratio = Math.round((recordsPerSec / baselinePerSec) * 1000) / 1000;
const rssMb = peakRssMb();
const f = (n: number) => n.toLocaleString('en-US');
console.log(
  `script: transform ${f(recordsPerSec)} rec/s, transformPage ${f(pagePerSec)} rec/s, host JS ${f(baselinePerSec)} rec/s, ratio ${ratio}×, peak RSS ${rssMb} MB`,
);
console.log(
  `BENCH ${JSON.stringify({ name: 'script', recordsPerSec, pagePerSec, baselinePerSec, ratio, peakRssMb: rssMb })}`,
);
