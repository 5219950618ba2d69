import { once } from 'node:events';
import { createWriteStream } from 'node:fs';

/** A small deterministic PRNG (mulberry32) so generated data is the same on every machine. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const firstNames = ['Ada', 'Grace', 'Linus', 'Margaret', 'Ken', 'Barbara', 'Dennis', 'Frances', 'Alan', 'Radia'];
const lastNames = [
  'Lovelace',
  'Hopper',
  'Torvalds',
  'Hamilton',
  'Thompson',
  'Liskov',
  'Ritchie',
  'Allen',
  'Turing',
  'Perlman',
];
const statuses = ['pending', 'confirmed', 'shipped', 'shipped', 'confirmed', 'voided'];
const countries = ['DE', 'FR', 'US', 'GB', 'NL', 'ES'];

export const ORDER_COLUMNS = [
  'order_id',
  'created_at',
  'customer_email',
  'first_name',
  'last_name',
  'status',
  'total',
  'currency',
  'country',
  'sku',
];

/** The deliberately bad rows the demo plants, by 1-based data row number, and what is wrong with them. */
export const BAD_ROWS: ReadonlyMap<number, string> = new Map([
  [1_234, 'broken quoting'],
  [20_000, 'total is not a number'],
  [33_333, 'created_at is not a date'],
  [50_505, 'customer email missing'],
  [77_777, 'broken quoting'],
  [90_001, 'total is not a number'],
]);

function row(i: number, rand: () => number): string {
  const first = firstNames[Math.floor(rand() * firstNames.length)] as string;
  const last = lastNames[Math.floor(rand() * lastNames.length)] as string;
  const status = statuses[Math.floor(rand() * statuses.length)] as string;
  const country = countries[Math.floor(rand() * countries.length)] as string;
  const created = new Date(Date.UTC(2026, 0, 1) + Math.floor(rand() * 300 * 86_400_000)).toISOString();
  const total = (rand() * 500 + 5).toFixed(2);
  const email = `  ${first}.${last}${i % 997}@Example.COM `;
  const sku = `SKU-${1000 + Math.floor(rand() * 9000)}`;
  return `${1_000_000 + i},${created},${email},${first},"${last}",${status},${total},EUR,${country},${sku}\n`;
}

function badRow(i: number, kind: string): string {
  switch (kind) {
    case 'broken quoting':
      return `${1_000_000 + i},2026-03-01T10:00:00Z,"broken@example.com,Ada,"Lovelace,shipped,10.00,EUR,DE,SKU-1\n`;
    case 'total is not a number':
      return `${1_000_000 + i},2026-03-01T10:00:00Z,bad.total@example.com,Ada,Lovelace,shipped,12.x0,EUR,DE,SKU-1\n`;
    case 'created_at is not a date':
      return `${1_000_000 + i},31/02/2026 25:61,bad.date@example.com,Ada,Lovelace,shipped,12.00,EUR,DE,SKU-1\n`;
    default:
      return `${1_000_000 + i},2026-03-01T10:00:00Z,,Ada,Lovelace,shipped,12.00,EUR,DE,SKU-1\n`;
  }
}

/**
 * Streams `count` order rows as CSV to `path` (header first). With `bad: true` the rows in
 * BAD_ROWS are replaced by broken ones. Memory stays flat for any count.
 */
export async function writeOrdersCsv(
  path: string,
  count: number,
  options: { bad?: boolean; seed?: number } = {},
): Promise<void> {
  const rand = prng(options.seed ?? 42);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  out.write(`${ORDER_COLUMNS.join(',')}\n`);
  let chunk = '';
  for (let i = 1; i <= count; i++) {
    const bad = options.bad ? BAD_ROWS.get(i) : undefined;
    const line = row(i, rand);
    chunk += bad ? badRow(i, bad) : line;
    if (chunk.length > 1 << 16) {
      if (!out.write(chunk)) await once(out, 'drain');
      chunk = '';
    }
  }
  out.end(chunk);
  await once(out, 'finish');
}
