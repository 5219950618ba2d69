/**
 * Map-step throughput: a 10-field mapping (copy, nested path, lowercase, value map, template,
 * date format, number, constant, array index, default) through the compiled map step's processor,
 * against a hand-written JS function producing identical output, over the same 200,000 records in
 * the same process. Prints a human line and, last, `BENCH {json}`. Run: npx tsx bench/mapping.ts
 */
import { deepStrictEqual } from 'node:assert/strict';
import type { DataRecord, JsonObject } from '../src/sdk/index.js';
import { mapStep } from '../src/steps/index.js';
import { benchContext } from './bench-context.js';
import { peakRssMb } from './peak-rss.js';
import { interleave, type Round } from './stats.js';

const RECORDS = 200_000;
const PAGE = 1_000;

const ctx = benchContext();

const statuses = ['pending', 'confirmed', 'shipped', 'cancelled'];
const cities = ['Berlin', 'Hamburg', 'München', 'Köln', 'Leipzig'];

function order(i: number): DataRecord {
  const data: JsonObject = {
    name: `#${100_000 + i}`,
    status: statuses[i % statuses.length] as string,
    created_at: new Date(Date.UTC(2024, 0, 1) + i * 97_531_000).toISOString(),
    total_price: (((i * 7919) % 100_000) / 100).toFixed(2),
    customer: {
      email: `Customer.${i}@Example.COM`,
      first_name: `First${i % 1000}`,
      last_name: `Last${i % 777}`,
      address: { city: cities[i % cities.length] as string, zip: String(10_000 + (i % 89_999)) },
    },
    lines: [
      { sku: `SKU-${i % 5000}`, quantity: 1 + (i % 5) },
      { sku: `SKU-${(i + 1) % 5000}`, quantity: 2 },
    ],
    ...(i % 3 === 0 ? {} : { shipping_address: { country: i % 2 === 0 ? 'AT' : 'CH' } }),
  };
  return { data, meta: { id: String(i) } };
}

const config = {
  order_no: 'name',
  city: { from: 'customer.address.city' },
  email: { from: 'customer.email', transform: 'lowercase' },
  state: {
    from: 'status',
    values: { pending: 'draft', confirmed: 'approved', shipped: 'fulfilled' },
    default: 'draft',
  },
  full_name: { template: '{{customer.first_name}} {{customer.last_name}}' },
  ordered_on: { from: 'created_at', transform: { date: { format: 'yyyy-MM-dd' } } },
  total: { from: 'total_price', transform: 'number' },
  source: { value: 'shopify' },
  sku: 'lines[0].sku',
  country: { from: 'shipping_address.country', default: 'DE' },
};

type Order = {
  name: string;
  status: string;
  created_at: string;
  total_price: string;
  customer: { email: string; first_name: string; last_name: string; address: { city: string } };
  lines: { sku: string }[];
  shipping_address?: { country?: string };
};

const STATES: Record<string, string> = { pending: 'draft', confirmed: 'approved', shipped: 'fulfilled' };

function handWritten(input: JsonObject): JsonObject {
  const d = input as unknown as Order;
  const c = d.customer;
  return {
    order_no: d.name,
    city: c.address.city,
    email: c.email.toLowerCase(),
    state: STATES[d.status] ?? 'draft',
    full_name: `${c.first_name} ${c.last_name}`,
    ordered_on: new Date(d.created_at).toISOString().slice(0, 10),
    total: Number(d.total_price),
    source: 'shopify',
    sku: (d.lines[0] as { sku: string }).sku,
    country: d.shipping_address?.country ?? 'DE',
  };
}

const pages: DataRecord[][] = [];
for (let start = 0; start < RECORDS; start += PAGE)
  pages.push(Array.from({ length: Math.min(PAGE, RECORDS - start) }, (_, j) => order(start + j)));

const processor = await mapStep.create({ config, where: 'bench/step map' }, ctx);

/** Runs every page through the compiled map step; keeps only the last page's output. */
async function compiled(): Promise<DataRecord[]> {
  let last: DataRecord[] = [];
  let count = 0;
  for (const page of pages) {
    const result = await processor.process(page, ctx);
    if (result.failed.length > 0) throw result.failed[0]?.error;
    count += result.records.length;
    last = result.records;
  }
  if (count !== RECORDS) throw new Error(`expected ${RECORDS} records, got ${count}`);
  return last;
}

/** The same loop with the hand-written function (a page at a time, as a processor would). */
async function baseline(): Promise<DataRecord[]> {
  let last: DataRecord[] = [];
  let count = 0;
  for (const page of pages) {
    const records: DataRecord[] = [];
    for (const r of page) records.push({ data: handWritten(r.data), meta: r.meta });
    const result = await Promise.resolve({ records, failed: [] });
    count += result.records.length;
    last = result.records;
  }
  if (count !== RECORDS) throw new Error(`expected ${RECORDS} records, got ${count}`);
  return last;
}

/** One timed pass over every page. */
async function timed(run: () => Promise<unknown>): Promise<Round> {
  const start = performance.now();
  await run();
  return { records: RECORDS, seconds: (performance.now() - start) / 1000 };
}

// Identical output: the first pages record by record, and the last page of a full run.
const first = pages.slice(0, 5).flat();
const mine = (await processor.process(first, ctx)).records;
for (let i = 0; i < first.length; i++)
  deepStrictEqual(mine[i]?.data, handWritten((first[i] as DataRecord).data), `record ${i} differs`);
deepStrictEqual(
  (await compiled()).map((r) => r.data),
  (await baseline()).map((r) => r.data),
);
for (let i = 0; i < 2; i++) {
  await compiled();
  await baseline();
}

// At least 5 rounds each (a round is ~0.2 s), compiled and hand-written interleaved.
const rounds = await interleave({ engine: () => timed(compiled), baseline: () => timed(baseline) }, 5);
const rssMb = peakRssMb();
console.log(
  `mapping: ${RECORDS.toLocaleString('en-US')} records, ${rounds.engine.length} rounds each, peak RSS ${rssMb} MB`,
);
console.log(
  `BENCH ${JSON.stringify({ name: 'mapping', engine: rounds.engine, baseline: rounds.baseline, peakRssMb: rssMb })}`,
);
