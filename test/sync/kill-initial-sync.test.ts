import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/index.js';
import { exited, startSyncline, syncline } from '../helpers/cli.js';
import { prng, testSeed } from './prove-fixture.js';

/**
 * Issue 14: SIGKILL at 10 random moments of a 50,000-pair initial sync (the real CLI, a real process),
 * rerun each time: no record created twice on either side, every pair linked once, and the final state
 * equal to an uninterrupted run's. Half the pairs match by email (some with a different name, settled
 * by `newest`), a quarter exist only on each side and are created on the other (generated keys: the
 * create intent is what prevents a duplicate after a kill between the insert and the link).
 *
 * The moments: seeded targets on the job's progress (records staged, then pairs linked, both read from
 * the store while the run works), sorted, so the kills spread over staging and applying; each rerun
 * goes on from what the killed one committed.
 */

const PAIRS = Number(process.env.SYNC_KILL_PAIRS ?? 50_000);
const KILLS = 10;
const MATCHED = PAIRS / 2;
const ONLY = PAIRS / 4;
const seed = testSeed();

const flow = `
connections:
  crm: { type: sqlite, path: crm.db }
  erp: { type: sqlite, path: erp.db }
syncs:
  customers:
    a: { connection: crm, table: customers, key: id, cursor: updated_at, stampCursor: true }
    b: { connection: erp, table: clients, key: client_no, cursor: modified, stampCursor: true }
    fields:
      email: { b: email_address }
      name: { b: full_name }
      city: {}
    match: [email]
    conflicts: { policy: newest, skew: 1m }
    batch: 500
`;

function seedSides(dir: string): void {
  const crm = new Database(join(dir, 'crm.db'));
  const erp = new Database(join(dir, 'erp.db'));
  crm.exec(
    'CREATE TABLE customers (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT, name TEXT, city TEXT, updated_at TEXT NOT NULL)',
  );
  erp.exec(
    'CREATE TABLE clients (client_no INTEGER PRIMARY KEY AUTOINCREMENT, email_address TEXT, full_name TEXT, city TEXT, modified TEXT NOT NULL)',
  );
  const a = crm.prepare('INSERT INTO customers (email, name, city, updated_at) VALUES (?, ?, ?, ?)');
  const b = erp.prepare('INSERT INTO clients (email_address, full_name, city, modified) VALUES (?, ?, ?, ?)');
  const cities = ['Berlin', 'Lyon', 'Leeds', 'Porto', 'Turin'];
  crm.transaction(() => {
    erp.transaction(() => {
      for (let i = 0; i < MATCHED; i++) {
        const city = cities[i % 5] as string;
        a.run(`user${i}@example.com`, `User ${i}`, city, '2026-01-01T00:00:00.000Z');
        // one in five typed differently and renamed on the ERP later: the newer values win on both sides
        const renamed = i % 5 === 0;
        b.run(
          renamed ? ` User${i}@Example.com` : `user${i}@example.com`,
          renamed ? `U. ${i}` : `User ${i}`,
          city,
          '2026-01-01T00:10:00.000Z',
        );
      }
      for (let i = 0; i < ONLY; i++)
        a.run(`crm${i}@example.com`, `Crm ${i}`, cities[i % 5], '2026-01-01T00:00:00.000Z');
      for (let i = 0; i < ONLY; i++)
        b.run(`erp${i}@example.com`, `Erp ${i}`, cities[i % 5], '2026-01-01T00:00:00.000Z');
    })();
  })();
  crm.close();
  erp.close();
  writeFileSync(join(dir, 'flow.yaml'), flow);
}

/** How far the job is: records staged before the first link, then all of them plus the pairs linked. */
function progress(stateFile: string): number {
  if (!existsSync(stateFile)) return 0;
  const db = new Database(stateFile, { readonly: true, fileMustExist: true });
  try {
    const links = (db.prepare('SELECT count(*) AS n FROM sync_links').get() as { n: number }).n;
    if (links > 0) return 3 * ONLY * 2 + links;
    return (db.prepare('SELECT count(*) AS n FROM sync_changes').get() as { n: number }).n;
  } catch {
    return 0; // the store is still being created
  } finally {
    db.close();
  }
}

/** The lines of a run's stderr that are not its progress lines with no errors. */
const notProgress = (stderr: string) =>
  stderr.split('\n').filter((l) => l !== '' && !/^customers: \d+ records, \d+ rec\/s, \d+ pages, 0 errors$/.test(l));

interface Final {
  a: string[];
  b: string[];
  pairs: string[];
  links: number;
}

/** Both sides' rows (without generated keys and stamps) and the linked pairs, as sorted text. */
async function finalState(dir: string): Promise<Final> {
  const crm = new Database(join(dir, 'crm.db'), { readonly: true });
  const erp = new Database(join(dir, 'erp.db'), { readonly: true });
  const aRows = crm.prepare('SELECT id, email, name, city FROM customers').all() as Record<string, string>[];
  const bRows = erp.prepare('SELECT client_no, email_address, full_name, city FROM clients').all() as Record<
    string,
    string
  >[];
  crm.close();
  erp.close();
  const aById = new Map(aRows.map((r) => [String(r.id), `${r.email}|${r.name}|${r.city}`]));
  const bById = new Map(bRows.map((r) => [String(r.client_no), `${r.email_address}|${r.full_name}|${r.city}`]));
  const store = await openStore(join(dir, 'state.db'));
  try {
    const links = await store.sync.listLinks({ sync: 'customers', limit: 10 * PAIRS });
    const pairs = links.map((l) => `${l.status}: ${aById.get(l.aId ?? '')} ⇄ ${bById.get(l.bId ?? '')}`);
    return { a: [...aById.values()].sort(), b: [...bById.values()].sort(), pairs: pairs.sort(), links: links.length };
  } finally {
    await store.close();
  }
}

describe('SIGKILL during an initial sync', () => {
  it(`10 kills at seeded moments of a ${PAIRS.toLocaleString('en-US')}-pair initial sync, then the same state as an uninterrupted run (seed ${seed}; replay with SYNC_SEED=${seed})`, async () => {
    const referenceDir = mkdtempSync(join(tmpdir(), 'syncline-sync-ref-'));
    const killed = mkdtempSync(join(tmpdir(), 'syncline-sync-kill-'));
    try {
      seedSides(referenceDir);
      seedSides(killed);
      // the uninterrupted run works beside the killed ones (its own folder): a process of its own
      const t0 = performance.now();
      const straight = startSyncline(['run', 'flow.yaml', 'customers'], {
        cwd: referenceDir,
        env: { SYNCLINE_DB: join(referenceDir, 'state.db') },
      });
      let straightErr = '';
      straight.stderr?.on('data', (d: Buffer) => {
        straightErr += d.toString();
      });
      const straightDone = exited(straight).then((code) => ({ code, seconds: (performance.now() - t0) / 1000 }));

      const rand = prng(seed);
      const total = 3 * ONLY * 2 + PAIRS;
      const targets = Array.from({ length: KILLS }, () => Math.floor(rand() * total)).sort((x, y) => x - y);
      const env = { SYNCLINE_DB: join(killed, 'state.db') };
      const stateFile = join(killed, 'state.db');
      let midRun = 0;
      const landed: number[] = [];
      for (const target of targets) {
        const child = startSyncline(['run', 'flow.yaml', 'customers'], { cwd: killed, env });
        let at = progress(stateFile);
        while (child.exitCode === null && at < target) {
          await new Promise((r) => setTimeout(r, 5));
          at = progress(stateFile);
        }
        // then a seeded moment of the next batch's work (planning, an intent, a write, its commit)
        if (child.exitCode === null) await new Promise((r) => setTimeout(r, Math.floor(rand() * 150)));
        if (child.exitCode === null) {
          at = progress(stateFile);
          child.kill('SIGKILL');
          midRun += 1;
          landed.push(at);
        }
        await exited(child);
      }
      const last = syncline(['run', 'flow.yaml', 'customers'], { cwd: killed, env });
      const reference = await straightDone;
      console.log(
        `kill-initial-sync: seed ${seed}, uninterrupted run ${reference.seconds.toFixed(1)} s, kills at progress ${landed.join(', ')} of ${total}`,
      );
      // a long run prints progress lines on stderr (with 0 errors); nothing else may be there
      expect(notProgress(straightErr)).toEqual([]);
      expect(reference.code).toBe(0);
      expect(notProgress(last.stderr)).toEqual([]);
      expect(last.status, last.stdout).toBe(0);
      expect(midRun, `kills that landed while the run worked (targets ${targets.join(', ')})`).toBe(KILLS);

      const want = await finalState(referenceDir);
      const got = await finalState(killed);
      expect(want.links).toBe(PAIRS);
      expect(want.a).toHaveLength(PAIRS);
      expect(want.b).toHaveLength(PAIRS);
      // no duplicates: every side holds each customer once, each linked once
      expect(got.a.length, 'records on A').toBe(PAIRS);
      expect(got.b.length, 'records on B').toBe(PAIRS);
      expect(got.links, 'links').toBe(PAIRS);
      expect(new Set(got.pairs).size).toBe(PAIRS);
      expect(got.pairs.filter((p) => !p.startsWith('linked: ')).slice(0, 5)).toEqual([]);
      expect(got.a).toEqual(want.a);
      expect(got.b).toEqual(want.b);
      expect(got.pairs).toEqual(want.pairs);
    } finally {
      rmSync(referenceDir, { recursive: true, force: true });
      rmSync(killed, { recursive: true, force: true });
    }
  }, 300_000);
});
