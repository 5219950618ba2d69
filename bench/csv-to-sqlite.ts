/**
 * CSV → map → SQLite upsert, through the real engine, or through a hand-written baseline
 * (csv-parse + a hand-written mapping + better-sqlite3 upserts in transactions).
 * Mode `cli` runs the same flow with the default page and batch sizes through `syncline run` in a child
 * process, as a user runs it (peak RSS is the child's).
 * Usage: node csv-to-sqlite.js <engine|cli|baseline> <csv file> <work dir>
 * Prints a last line `BENCH {...}` with records/s and peak RSS of the measured process.
 */
import { createReadStream, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { runCli } from './cli-run.js';
import { reportBench, runFlowYaml } from './engine-run.js';

const [mode = '', csv = '', work = ''] = process.argv.slice(2);
if (!mode || !csv || !work) throw new Error('usage: csv-to-sqlite.ts <engine|baseline> <csv> <workdir>');
for (const f of ['erp.db', 'erp.db-wal', 'erp.db-shm', 'state.db', 'state.db-wal', 'state.db-shm'])
  rmSync(join(work, f), { force: true });

const flow = (batch: string) => `
connections:
  files: { type: file, dir: ${JSON.stringify(join(csv, '..'))} }
  erp: { type: sqlite, path: ${JSON.stringify(join(work, 'erp.db'))} }
flows:
  orders:
    source: { connection: files, type: file.csv, path: ${JSON.stringify(csv.split('/').pop())}, columns: { order_id: integer, total: number } }
    steps:
      - map:
          order_no: { template: "SO-{{order_id}}" }
          email: { from: customer_email, transform: [trim, lowercase] }
          customer: { template: "{{first_name}} {{last_name}}" }
          state: { from: status, values: { pending: draft, confirmed: approved, shipped: fulfilled }, default: draft }
          total: { from: total }
          currency: { from: currency }
          country: { from: country }
          sku: { from: sku }
          ordered_on: { from: created_at, transform: { date: { format: yyyy-MM-dd } } }
          source: { value: shop }
    destinations:
      - { connection: erp, type: sqlite.table, table: sales_orders, operation: upsert, key: [order_no], createTable: true${batch} }
`;

const states: Record<string, string> = { pending: 'draft', confirmed: 'approved', shipped: 'fulfilled' };

async function baseline(): Promise<number> {
  const db = new Database(join(work, 'erp.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec(
    'create table sales_orders (order_no text primary key, email text, customer text, state text, total real, currency text, country text, sku text, ordered_on text, source text)',
  );
  const upsert = db.prepare(
    'insert into sales_orders values (?,?,?,?,?,?,?,?,?,?) on conflict(order_no) do update set email=excluded.email, customer=excluded.customer, state=excluded.state, total=excluded.total, currency=excluded.currency, country=excluded.country, sku=excluded.sku, ordered_on=excluded.ordered_on, source=excluded.source',
  );
  const flush = db.transaction((rows: unknown[][]) => {
    for (const r of rows) upsert.run(r);
  });
  let batch: unknown[][] = [];
  let n = 0;
  const parser = createReadStream(csv, { highWaterMark: 1 << 20 }).pipe(parse({ from_line: 2 }));
  for await (const c of parser as AsyncIterable<string[]>) {
    batch.push([
      `SO-${c[0]}`,
      (c[2] ?? '').trim().toLowerCase(),
      `${c[3]} ${c[4]}`,
      states[c[5] ?? ''] ?? 'draft',
      Number(c[6]),
      c[7],
      c[8],
      c[9],
      new Date(c[1] ?? '').toISOString().slice(0, 10),
      'shop',
    ]);
    if (batch.length === 1000) {
      flush(batch);
      n += batch.length;
      batch = [];
    }
  }
  flush(batch);
  n += batch.length;
  db.close();
  return n;
}

async function engineRun(): Promise<number> {
  return runFlowYaml(join(work, 'flow.yaml'), flow(', batch: { size: 1000 }'), 'orders', join(work, 'state.db'));
}

if (mode === 'cli') {
  const file = join(work, 'flow.yaml');
  writeFileSync(file, flow(''));
  const records = Number(/^orders-(\d+)\.csv$/.exec(csv.split('/').pop() ?? '')?.[1] ?? 0);
  const r = await runCli(file, 'orders', join(work, 'state.db'), records);
  const count = new Database(join(work, 'erp.db'), { readonly: true });
  const n = (count.prepare('select count(*) as n from sales_orders').get() as { n: number }).n;
  count.close();
  if (n !== records) throw new Error(`the CLI run left ${n} rows, expected ${records}`);
  console.log(`BENCH ${JSON.stringify({ mode, ...r, seconds: Number(r.seconds.toFixed(3)) })}`);
} else {
  await reportBench(mode, mode === 'engine' ? engineRun : baseline);
}
