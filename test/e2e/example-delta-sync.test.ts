import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
let dir: string;

function copyExample(): string {
  dir = mkdtempSync(join(tmpdir(), 'syncline-delta-'));
  cpSync(join(examples, 'delta-sync.yaml'), join(dir, 'delta-sync.yaml'));
  cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
  return dir;
}

function run(...args: string[]) {
  const r = syncline(['--db', join(dir, 'state.db'), 'run', 'delta-sync.yaml', ...args], { cwd: dir });
  if (r.status !== 0) throw new Error(`syncline run ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function query<T>(file: string, sql: string): T[] {
  const db = new Database(join(dir, file));
  try {
    return db.prepare(sql).all() as T[];
  } finally {
    db.close();
  }
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/delta-sync.yaml', () => {
  it('copies everything once, then only the changed contacts, and every lead exactly once', () => {
    copyExample();
    const first = run();
    expect(first).toContain('delta sync: first run: full sync');
    expect(query<{ n: number }>('delta-books.db', 'select count(*) as n from customers')[0]?.n).toBe(8);
    // leads with a score under 50 are filtered out, yet handled: every lead is marked exported
    expect(query<{ n: number }>('delta-books.db', 'select count(*) as n from prospects')[0]?.n).toBe(4);
    expect(query<{ n: number }>('delta-crm.db', 'select count(*) as n from leads where exported = 1')[0]?.n).toBe(5);

    const crm = new Database(join(dir, 'delta-crm.db'));
    crm
      .prepare("update contacts set email = 'ALAN.TURING@example.com', updated_at = '2026-11-20 10:00:00' where id = 3")
      .run();
    crm
      .prepare(
        "insert into leads (id, company, contact, score, exported) values (106, 'Stark', 'pepper@stark.example', 88, 0)",
      )
      .run();
    crm.close();

    const second = run('contacts-to-books');
    // the watermark was contact 8's 2026-11-07 18:10 Berlin time (17:10 UTC); five minutes of overlap
    expect(second).toContain('delta from "2026-11-07 18:05:00" (watermark "2026-11-07T17:10:00.000Z", overlap 5m)');
    expect(second).toMatch(/source\s+2\s+2/); // contact 8 again (overlap) and the changed contact 3
    expect(query<{ email: string }>('delta-books.db', "select email from customers where customer_no = 'C-3'")).toEqual(
      [{ email: 'alan.turing@example.com' }],
    );
    const status = syncline(['--db', join(dir, 'state.db'), 'status'], { cwd: dir });
    expect(status.stdout).toMatch(/contacts-to-books .*2026-11-20T09:00:00\.000Z/);
    const third = run('contacts-to-books');
    expect(third).toMatch(/source\s+1\s+1/); // only the overlap window around the new watermark

    const leads = run('leads-once');
    expect(leads).toMatch(/source\s+1\s+1/);
    expect(query<{ n: number }>('delta-books.db', 'select count(*) as n from prospects')[0]?.n).toBe(5);
    expect(run('leads-once')).toMatch(/source\s+0\s+0/);

    const full = run('contacts-to-books', '--full');
    expect(full).toContain('delta sync: full sync (--full)');
    expect(full).toMatch(/source\s+8\s+8/);
  }, 60_000);
});
