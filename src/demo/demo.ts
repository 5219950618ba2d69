import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { BAD_ROWS, writeOrdersCsv } from './generate-orders.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const out = join(root, 'demo-output');
const flowFile = join(root, 'examples/orders-to-erp.yaml');
const cli = join(root, 'dist/cli/main.js');
const ROWS = 100_000;

function syncline(...args: string[]): number {
  console.log(`\n$ syncline ${args.join(' ')}`);
  const r = spawnSync(process.execPath, [cli, ...args], { stdio: 'inherit', cwd: root });
  return r.status ?? 1;
}

function tableState(): { rows: number; checksum: string } {
  const db = new Database(join(out, 'erp.db'), { readonly: true });
  try {
    const hash = createHash('sha256');
    let rows = 0;
    for (const r of db.prepare('select * from sales_orders order by order_no').iterate()) {
      hash.update(JSON.stringify(r));
      rows += 1;
    }
    return { rows, checksum: hash.digest('hex').slice(0, 16) };
  } finally {
    db.close();
  }
}

mkdirSync(out, { recursive: true });
for (const f of ['erp.db', 'erp.db-wal', 'erp.db-shm']) rmSync(join(out, f), { force: true });
console.log(
  `Syncline demo: ${ROWS.toLocaleString('en-US')} shop orders (CSV) → filter → map → upsert into a SQLite ERP`,
);
console.log(
  `generating ${join('demo-output', 'orders.csv')} with ${BAD_ROWS.size} deliberately bad rows (${[...new Set(BAD_ROWS.values())].join(', ')})…`,
);
await writeOrdersCsv(join(out, 'orders.csv'), ROWS, { bad: true });

const first = syncline('run', 'examples/orders-to-erp.yaml', 'orders-to-erp', '--from-start');
if (first !== 0 && first !== 2) process.exit(first);
const before = tableState();
const second = syncline('run', 'examples/orders-to-erp.yaml', 'orders-to-erp');
if (second !== 0 && second !== 2) process.exit(second);
const after = tableState();

console.log('\n──────── demo result ────────');
console.log(
  `ERP table sales_orders: ${after.rows.toLocaleString('en-US')} rows (voided orders filtered out, bad rows in the error store)`,
);
console.log(
  before.checksum === after.checksum && before.rows === after.rows
    ? `second run changed nothing: same ${after.rows.toLocaleString('en-US')} rows, same content checksum ${after.checksum}`
    : `WARNING: the second run changed the table (${before.rows} → ${after.rows} rows)`,
);
// the state store sits beside the flow file: the commands without a flow file are given it with --db
const store = join('examples', '.syncline', 'syncline.db');
console.log(`\nwhere to look next:
  npx syncline runs --db ${store}            # the two runs, with counts and timings
  npx syncline errors list --db ${store}     # the bad rows, each with what to fix
  npx syncline errors show <id> --db ${store}
  npx syncline preview examples/orders-to-erp.yaml orders-to-erp --limit 3
  sqlite3 demo-output/erp.db "select * from sales_orders limit 5"
flow file: ${flowFile}${existsSync(join(root, store)) ? `\nstate store: ${store}` : ''}`);
if (before.checksum !== after.checksum) process.exit(1);
