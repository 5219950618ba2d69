import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import type { SyncCounts } from '../../src/store/state-store.js';
import { syncline } from '../helpers/cli.js';

// The walkthrough of examples/customers-sync.yaml's header comment, step by step, with the real CLI.

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
let dir: string;

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function cli(...args: string[]): string {
  const r = syncline(['--db', join(dir, 'state.db'), ...args], { cwd: dir });
  if (r.status !== 0) throw new Error(`syncline ${args.join(' ')} exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

const run = (name: string) => cli('run', 'customers-sync.yaml', name);

/** The counters of the sync's last run, as the store keeps them. */
function lastSyncCounts(): SyncCounts {
  const db = new Database(join(dir, 'state.db'), { readonly: true });
  try {
    const row = db
      .prepare("select status, counts from runs where flow = 'customers' order by id desc limit 1")
      .get() as { status: string; counts: string };
    expect(row.status).toBe('succeeded');
    const counts = JSON.parse(row.counts) as { sync?: SyncCounts };
    if (!counts.sync) throw new Error(`the last run of customers has no sync counters: ${row.counts}`);
    return counts.sync;
  } finally {
    db.close();
  }
}

/**
 * Per side: what was created, updated and deleted there, and whether echoes were seen; then the run's
 * conflict and delete counters. Not how many records were read: a side's cursor is re-read 5 s below
 * its watermark, so what a run reads again depends on the wall clock (the first run's reads are checked
 * in its printed table).
 */
function summary(c: SyncCounts) {
  const one = (s: SyncCounts['a']) => ({
    created: s.created,
    updated: s.updated,
    deleted: s.deleted,
    ...(s.echoes > 0 ? { echoes: true } : {}),
  });
  return {
    a: one(c.a),
    b: one(c.b),
    matched: c.matched,
    conflictsDecided: c.conflictsDecided,
    conflictsOpened: c.conflictsOpened,
    pendingDeletes: c.pendingDeletes,
  };
}

/** A side's summary as the walkthrough expects it (reads for the reader; see `summary`), `echoes: true` when some must come back. */
const side = (_read: number, created = 0, updated = 0, echoes = 0, deleted = 0) => ({
  created,
  updated,
  deleted,
  ...(echoes > 0 ? { echoes: true } : {}),
});

function sql<T>(file: string, statement: string, ...params: unknown[]): T[] {
  const db = new Database(join(dir, file));
  try {
    const s = db.prepare(statement);
    if (s.reader) return s.all(...params) as T[];
    s.run(...params);
    return [];
  } finally {
    db.close();
  }
}

/** What `strftime('%Y-%m-%dT%H:%M:%fZ', 'now')` gives in the walkthrough: now, in ISO form. */
const now = () => new Date().toISOString();

interface Customer {
  id: number;
  email: string;
  full_name: string;
  phone: string;
  status: string;
}
interface Client {
  client_no: number;
  email_address: string;
  name: string;
  phone: string;
  state: string;
}
const customers = () =>
  sql<Customer>('customers-crm.db', 'select id, email, full_name, phone, status from customers order by email');
const clients = () =>
  sql<Client>(
    'customers-erp.db',
    'select client_no, email_address, name, phone, state from clients order by email_address',
  );

describe('examples/customers-sync.yaml', () => {
  it("runs its header's walkthrough: first sync, an edit on each side, a conflict resolved, a reviewed delete", () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-customers-sync-'));
    cpSync(join(examples, 'customers-sync.yaml'), join(dir, 'customers-sync.yaml'));
    cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });

    // 1. seed both databases, then the first sync: three pairs matched by email, two creates each way
    const first = cli('run', 'customers-sync.yaml'); // the flows seed-crm and seed-erp, then the sync
    expect(first).toContain('run 1 of flow "seed-crm": succeeded');
    expect(first).toContain('run 2 of flow "seed-erp": succeeded');
    expect(first).toContain('run 3 of sync "customers": succeeded');
    // side, read, echoes, created, updated, deleted, failed
    expect(first).toMatch(/a crm\s+5\s+0\s+2\s+1\s+0\s+0\n/);
    expect(first).toMatch(/b erp\s+5\s+0\s+2\s+2\s+0\s+0\n/);
    expect(summary(lastSyncCounts())).toEqual({
      a: side(5, 2, 1), // Margaret and Linus created; Grace's newer phone from the ERP
      b: side(5, 2, 2), // Edsger and Barbara created; Ada's and Alan's emails from the CRM (newer)
      matched: 3,
      conflictsDecided: 3,
      conflictsOpened: 0,
      pendingDeletes: 0,
    });
    const status = (s: string) => (s === 'active' ? 'A' : 'I');
    const crm = customers();
    const erp = clients();
    expect(crm.map((c) => c.email)).toEqual([
      'ada@example.com',
      'alan.turing@example.com',
      'barbara@example.com',
      'edsger@example.com',
      'grace@example.com',
      'linus@example.com',
      'margaret@example.com',
    ]);
    // every customer has exactly one client with the same values, through the field mapping
    expect(erp.map((c) => [c.email_address, c.name, c.phone, c.state])).toEqual(
      crm.map((c) => [c.email, c.full_name, c.phone, status(c.status)]),
    );
    expect(crm.find((c) => c.email === 'grace@example.com')?.phone).toBe('+1 202 555 0199');
    expect(crm.find((c) => c.email === 'margaret@example.com')?.status).toBe('active');
    // a new client got the ERP's next number, a new customer the CRM's next id
    expect(erp.map((c) => c.client_no).sort()).toEqual([1001, 1002, 1003, 1004, 1005, 1006, 1007]);
    expect(crm.map((c) => c.id).sort()).toEqual([1, 2, 3, 4, 5, 6, 7]);

    // run again: our own writes come back as echoes, nothing is written
    run('customers');
    expect(summary(lastSyncCounts())).toEqual({
      a: side(3, 0, 0, 3),
      b: side(4, 0, 0, 4),
      matched: 0,
      conflictsDecided: 0,
      conflictsOpened: 0,
      pendingDeletes: 0,
    });

    // 2. an edit on each side
    sql('customers-crm.db', "update customers set phone = '+44 20 7946 0999', updated_at = ? where id = 1", now());
    sql('customers-erp.db', "update clients set state = 'I', modified = ? where client_no = 1004", now());
    run('customers');
    expect(summary(lastSyncCounts())).toMatchObject({ a: side(1, 0, 1), b: side(1, 0, 1), conflictsOpened: 0 });
    expect(clients().find((c) => c.client_no === 1001)?.phone).toBe('+44 20 7946 0999');
    expect(customers().find((c) => c.email === 'margaret@example.com')?.status).toBe('inactive');

    // 3. a conflicting edit of a `conflict: manual` field: queued, nothing written for it
    sql(
      'customers-crm.db',
      "update customers set full_name = 'Alan Mathison Turing', updated_at = ? where id = 2",
      now(),
    );
    sql('customers-erp.db', "update clients set name = 'A. M. Turing', modified = ? where client_no = 1002", now());
    const conflicted = run('customers');
    // each side also reads back the write of step 2 made on it (an echo)
    expect(summary(lastSyncCounts())).toMatchObject({ a: side(2, 0, 0, 1), b: side(2, 0, 0, 1), conflictsOpened: 1 });
    expect(conflicted).toContain('conflicts: 0 decided by the policy, 1 for review');
    expect(conflicted).toContain('conflicts wait for review: syncline conflicts list customers');
    expect(clients().find((c) => c.client_no === 1002)?.name).toBe('A. M. Turing');

    const listed = cli('conflicts', 'list', 'customers');
    expect(listed).toMatch(/crm: Alan Mathison Turing\s+erp: A\. M\. Turing\s+open/);
    expect(listed).toContain('1 of 1 shown');
    const id = /^\s*(\d+)\s+customers\s+field\s+name\s+crm 2 ↔ erp 1002 /m.exec(listed)?.[1];
    if (id === undefined) throw new Error(`no conflict of name in:\n${listed}`);
    expect(cli('conflicts', 'show', id)).toMatch(/Alan Turing[\s\S]*Alan Mathison Turing[\s\S]*A\. M\. Turing/);
    cli('conflicts', 'resolve', id, '--take', 'a');
    run('customers');
    expect(summary(lastSyncCounts())).toMatchObject({ a: side(0), b: side(0, 0, 1) });
    expect(clients().find((c) => c.client_no === 1002)?.name).toBe('Alan Mathison Turing');
    expect(customers().find((c) => c.id === 2)?.full_name).toBe('Alan Mathison Turing');

    // 4. a delete held for review, approved, then propagated
    sql('customers-erp.db', 'update clients set archived = 1, modified = ? where client_no = 1005', now());
    run('customers');
    expect(summary(lastSyncCounts())).toMatchObject({ a: side(0), b: side(2, 0, 0, 1), pendingDeletes: 1 });
    expect(customers().some((c) => c.email === 'linus@example.com')).toBe(true);
    const pending = cli('deletes', 'customers');
    expect(pending).toContain('1 of 1 shown');
    const link = /^\s*(\d+)\s+erp 1005\s+crm 7 /m.exec(pending)?.[1];
    if (link === undefined) throw new Error(`no pending delete of erp 1005 in:\n${pending}`);
    cli('deletes', 'approve', 'customers', link);
    run('customers');
    expect(summary(lastSyncCounts())).toMatchObject({ a: side(0, 0, 0, 0, 1), b: side(0), pendingDeletes: 0 });
    // the CRM deletes softly: the customer is marked, not removed
    expect(
      sql<{ email: string }>('customers-crm.db', 'select email from customers where is_deleted = 1 order by id'),
    ).toEqual([{ email: 'linus@example.com' }]);
    expect(customers()).toHaveLength(7);

    // the whole file again: the seed flows insert nothing that is there, the sync finds nothing to do
    const before = [customers(), clients()];
    cli('run', 'customers-sync.yaml');
    const again = summary(lastSyncCounts());
    expect([
      again.a.created + again.a.updated + again.a.deleted,
      again.b.created + again.b.updated + again.b.deleted,
    ]).toEqual([0, 0]);
    expect([customers(), clients()]).toEqual(before);
  }, 90_000);
});
