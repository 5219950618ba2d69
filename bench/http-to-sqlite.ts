/**
 * HTTP source (cursor pagination, 1,000 records a page) → SQLite upsert, through the real engine,
 * or through a minimal hand-written fetch loop (fetch, JSON.parse, better-sqlite3 upserts).
 * Usage: http-to-sqlite.js <engine|baseline> <server url> <work dir>; prints `BENCH {...}`.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { reportBench, runFlowYaml } from './engine-run.js';

const [mode = '', url = '', work = ''] = process.argv.slice(2);
if (!mode || !url || !work) throw new Error('usage: http-to-sqlite.js <engine|baseline> <url> <workdir>');
for (const f of ['out.db', 'out.db-wal', 'out.db-shm', 'state.db', 'state.db-wal', 'state.db-shm'])
  rmSync(join(work, f), { force: true });

async function baseline(): Promise<number> {
  const db = new Database(join(work, 'out.db'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.exec('create table items (id integer primary key, name text, updated_at text)');
  const upsert = db.prepare(
    'insert into items (id, name, updated_at) values (?, ?, ?) on conflict(id) do update set name = excluded.name, updated_at = excluded.updated_at',
  );
  const write = db.transaction((items: { id: number; name: string; updated_at: string }[]) => {
    for (const i of items) upsert.run(i.id, i.name, i.updated_at);
  });
  let cursor: string | null = null;
  let n = 0;
  do {
    const res = await fetch(`${url}/items/cursor?limit=1000${cursor ? `&cursor=${cursor}` : ''}`);
    const body = (await res.json()) as {
      items: { id: number; name: string; updated_at: string }[];
      meta: { next_cursor: string | null };
    };
    write(body.items);
    n += body.items.length;
    cursor = body.meta.next_cursor;
  } while (cursor);
  db.close();
  return n;
}

async function engineRun(): Promise<number> {
  const yaml = `connections:
  api: { type: http, baseUrl: ${JSON.stringify(url)} }
  out: { type: sqlite, path: out.db }
flows:
  items:
    source:
      connection: api
      type: http.request
      path: /items/cursor
      recordsPath: items
      idField: id
      query: { limit: "1000" }
      pagination: { type: cursor, cursorPath: meta.next_cursor, cursorParam: cursor }
    destinations:
      - { connection: out, type: sqlite.table, table: items, operation: upsert, key: [id], createTable: true, batch: { size: 1000 } }
`;
  return runFlowYaml(join(work, 'flow.yaml'), yaml, 'items', join(work, 'state.db'));
}

await reportBench(mode, mode === 'engine' ? engineRun : baseline);
