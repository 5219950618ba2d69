/**
 * CSV → map → SQLite upsert, through the real engine, or through a hand-written baseline
 * (csv-parse + a hand-written mapping + better-sqlite3 upserts in transactions).
 * Usage: tsx bench/csv-to-sqlite.ts <engine|baseline> <csv file> <work dir>
 * Prints a last line `BENCH {...}` with records/s and peak RSS of this process.
 */
import { createReadStream, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse';
import { reportBench, runFlowYaml } from './engine-run.js';

const [mode = '', csv = '', work = ''] = process.argv.slice(2);
if (!mode || !csv || !work) throw new Error('usage: csv-to-sqlite.ts <engine|baseline> <csv> <workdir>');
for (const f of ['erp.db', 'erp.db-wal', 'erp.db-shm', 'state.db', 'state.db-wal', 'state.db-shm'])
  rmSync(join(work, f), { force: true });

const flow = `
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
      - { connection: erp, type: sqlite.table, table: sales_orders, operation: upsert, key: [order_no], createTable: true, batch: { size: 1000 } }
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
  return runFlowYaml(join(work, 'flow.yaml'), flow, 'orders', join(work, 'state.db'));
}

await reportBench(mode, mode === 'engine' ? engineRun : baseline);
