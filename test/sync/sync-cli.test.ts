import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSyncline } from '../../src/app/index.js';
import { builtinCatalog } from '../../src/cli/builtins.js';
import { conflictsList, conflictsShow } from '../../src/cli/conflicts-command.js';
import { conflictsResolve } from '../../src/cli/conflicts-resolve-command.js';
import { deletesDecide, deletesList } from '../../src/cli/deletes-command.js';
import { errorsList, errorsRetry } from '../../src/cli/errors-command.js';
import { linksList, linksResync } from '../../src/cli/links-command.js';
import { runCommand } from '../../src/cli/run-command.js';
import { statusCommand } from '../../src/cli/status-command.js';
import { ManualClock } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';
import type { RunRow } from '../../src/store/state-store.js';
import { captured } from '../helpers/capture-stdout.js';

/**
 * A sync declared in YAML between two SQLite databases, operated through the CLI commands in process:
 * `run <file> <sync>` prints the sync counters, a conflicting edit shows in `conflicts list`,
 * `conflicts resolve` is applied by the next run, and `serve` runs the sync on its schedule.
 */
const FILE = `connections:
  crm: { type: sqlite, path: crm.db }
  erp: { type: sqlite, path: erp.db }
syncs:
  customers:
    schedule: "*/10 * * * *"
    pii: [email]
    conflicts: manual
    a: { name: crm, connection: crm, table: contacts, key: id, cursor: updated_at, stampCursor: true }
    b: { name: erp, connection: erp, table: clients, key: client_no, cursor: modified, stampCursor: true }
    fields:
      email: { b: email_address }
      name: { b: full_name }
    match: [email]
`;

let dir = '';
let file = '';
let db = '';
let crm: Database.Database;
let erp: Database.Database;
const past = '2026-01-01T00:00:00.000Z';

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-sync-cli-'));
  file = join(dir, 'sync.yaml');
  db = join(dir, 'state.db');
  writeFileSync(file, FILE);
  crm = new Database(join(dir, 'crm.db'));
  erp = new Database(join(dir, 'erp.db'));
  crm.exec('CREATE TABLE contacts (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT, name TEXT, updated_at TEXT)');
  erp.exec(
    'CREATE TABLE clients (client_no INTEGER PRIMARY KEY AUTOINCREMENT, email_address TEXT, full_name TEXT, modified TEXT)',
  );
  const c = crm.prepare('INSERT INTO contacts (email, name, updated_at) VALUES (?, ?, ?)');
  c.run('ada@example.com', 'Ada Lovelace', past);
  c.run('alan@example.com', 'Alan Turing', past);
  erp
    .prepare('INSERT INTO clients (email_address, full_name, modified) VALUES (?, ?, ?)')
    .run('ADA@example.com ', 'Ada Lovelace', past);
});
afterEach(() => {
  crm.close();
  erp.close();
  rmSync(dir, { recursive: true, force: true });
});

const run = () => captured(() => runCommand(file, 'customers', { db }));
const now = () => new Date(Date.now() + 5).toISOString();

describe('a sync through the CLI', () => {
  it('run prints the sync counters; a conflicting edit is listed, resolved, and applied by the next run', async () => {
    const first = await run();
    expect(first.status).toBe(0);
    expect(first.stdout).toContain('of sync "customers": succeeded');
    expect(first.stdout).toMatch(/a crm\s+2\s+0\s+0\s+0\s+0\s+0/); // read 2 from crm, nothing written to it
    expect(first.stdout).toMatch(/b erp\s+1\s+0\s+1\s+0\s+0\s+0/); // read 1 from erp, Alan created there
    expect(first.stdout).toContain('1 matched');
    expect(erp.prepare('SELECT full_name FROM clients ORDER BY client_no').all()).toEqual([
      { full_name: 'Ada Lovelace' },
      { full_name: 'Alan Turing' },
    ]);

    // both sides change Ada's name: a conflict for review (manual policy); Alan's change on crm syncs
    crm.prepare('UPDATE contacts SET name = ?, updated_at = ? WHERE id = 1').run('Ada King', now());
    crm.prepare('UPDATE contacts SET name = ?, updated_at = ? WHERE id = 2').run('Alan M. Turing', now());
    erp.prepare('UPDATE clients SET full_name = ?, modified = ? WHERE client_no = 1').run('Ada Byron', now());
    const second = await run();
    expect(second.stdout).toContain('1 for review');
    expect(second.stdout).toContain('conflicts wait for review: syncline conflicts list customers');
    expect(erp.prepare('SELECT full_name FROM clients WHERE client_no = 2').get()).toEqual({
      full_name: 'Alan M. Turing',
    });

    const listed = await captured(() => conflictsList('customers', { db, limit: 10 }));
    expect(listed.stdout).toMatch(/name\s+crm 1 ↔ erp 1\s+Ada Lovelace\s+crm: Ada King\s+erp: Ada Byron\s+open/);
    // the first run paired Ada by the normalised email; the two spellings differ, and the policy is manual
    expect(listed.stdout).toMatch(/email\s+crm 1 ↔ erp 1\s+null\s+crm: \*\*\*\.com\s+erp: \*\*\*com\s+open/);
    const conflicts = JSON.parse(
      (await captured(() => conflictsList('customers', { db, limit: 10, json: true }))).stdout,
    ) as { id: number; field: string }[];
    const name = conflicts.find((c) => c.field === 'name');
    const resolved = await captured(() => conflictsResolve([String(name?.id)], { db, take: 'b' }));
    expect(resolved.stdout).toContain(`the next run of sync customers applies it: syncline run ${file} customers`);
    const email = await captured(() => conflictsResolve([], { db, all: true, field: 'email', take: 'a' }));
    expect(email.stdout).toContain('1 open conflict match (status=open field=email)');

    const third = await run();
    expect(third.status).toBe(0);
    expect(crm.prepare('SELECT email, name FROM contacts WHERE id = 1').get()).toEqual({
      email: 'ada@example.com',
      name: 'Ada Byron',
    });
    expect(erp.prepare('SELECT email_address FROM clients WHERE client_no = 1').get()).toEqual({
      email_address: 'ada@example.com',
    });
    const applied = await captured(() => conflictsList('customers', { db, limit: 10, status: 'applied' }));
    expect(applied.stdout).toContain('2 of 2 shown');
    expect((await captured(() => conflictsList('customers', { db, limit: 10 }))).stdout).toBe(
      'no conflicts match (sync=customers status=open)\n',
    );

    // in step now: a run after a run that changed nothing writes nothing
    await run();
    const quiet = await run();
    expect(quiet.stdout).toMatch(/a crm\s+\d+\s+\d+\s+0\s+0\s+0\s+0/);
    expect(quiet.stdout).toMatch(/b erp\s+\d+\s+\d+\s+0\s+0\s+0\s+0/);

    const status = (await captured(() => statusCommand({ db }))).stdout;
    expect(status).toMatch(/customers\s+succeeded\s+\d+\s+\S+ \S+\s+\S+ \S+\s+2\s+0\s+0\s+0\s+0/);
  });

  it("links resync: the next run re-sends a side's values over a drifted record (its cursor never moved)", async () => {
    await run();
    // a later change on erp moves its watermark past Alan's record (created there by the first run)
    erp.prepare('UPDATE clients SET full_name = ?, modified = ? WHERE client_no = 1').run('Ada L.', now());
    await run();
    // someone edits Alan on erp behind the sync's back: the cursor stays below the watermark, no run sees it
    erp.prepare('UPDATE clients SET full_name = ? WHERE client_no = 2').run('A. Turing (typo)');
    await run();
    expect(erp.prepare('SELECT full_name FROM clients WHERE client_no = 2').get()).toEqual({
      full_name: 'A. Turing (typo)',
    });
    expect(crm.prepare('SELECT name FROM contacts WHERE id = 2').get()).toEqual({ name: 'Alan Turing' });
    const [link] = JSON.parse(
      (await captured(() => linksList('customers', { db, limit: 5, search: 'alan', json: true, unmask: true }))).stdout,
    ) as { id: number; aId: string; bId: string }[];
    expect([link?.aId, link?.bId]).toEqual(['2', '2']);
    const marked = await captured(() => linksResync('customers', String(link?.id), { db, from: 'a' }));
    expect(marked.stdout).toContain("the next run sends crm 2's values to erp 2 (every synced field)");
    const resent = await run();
    expect(resent.stdout).toMatch(/b erp\s+\d+\s+\d+\s+0\s+1\s+0\s+0/);
    expect(erp.prepare('SELECT full_name FROM clients WHERE client_no = 2').get()).toEqual({
      full_name: 'Alan Turing',
    });
    // and the pair is in step again: nothing more to write
    await run();
    const quiet = await run();
    expect(quiet.stdout).toMatch(/b erp\s+\d+\s+\d+\s+0\s+0\s+0\s+0/);
    expect(quiet.stdout).toMatch(/a crm\s+\d+\s+\d+\s+0\s+0\s+0\s+0/);
  });

  it('errors retry: a parked change of the sync is un-parked and written again by a run of the sync', async () => {
    writeFileSync(file, FILE.replace('conflicts: manual', 'conflicts: manual\n    maxAttempts: 1'));
    await run();
    erp.exec(
      "CREATE TRIGGER no_bang BEFORE UPDATE ON clients WHEN NEW.full_name LIKE '%!%' BEGIN SELECT RAISE(ABORT, 'no exclamation marks'); END",
    );
    crm.prepare('UPDATE contacts SET name = ?, updated_at = ? WHERE id = 2').run('Alan Turing!', now());
    const refused = await run();
    expect(refused.status).toBe(2);
    expect(refused.stdout).toMatch(/b erp\s+\d+\s+\d+\s+0\s+0\s+0\s+1/);
    const listed = JSON.parse(
      (await captured(() => errorsList({ db, limit: 10, json: true, flow: 'customers' }))).stdout,
    ) as {
      id: number;
      recordId: string;
      status: string;
    }[];
    expect(listed.map((e) => [e.recordId, e.status])).toEqual([['a:2', 'open']]);
    // parked after one failure: a plain run leaves it alone
    await run();
    expect(erp.prepare('SELECT full_name FROM clients WHERE client_no = 2').get()).toEqual({
      full_name: 'Alan Turing',
    });
    erp.exec('DROP TRIGGER no_bang');
    const retried = await captured(() => errorsRetry([String(listed[0]?.id)], { db }));
    expect(retried.stdout).toContain('running sync customers to write the 1 change again (un-parked)');
    expect(retried.stdout).toContain(`error record ${listed[0]?.id}: retried, applied by the run of sync customers`);
    expect(retried.status).toBe(0);
    expect(erp.prepare('SELECT full_name FROM clients WHERE client_no = 2').get()).toEqual({
      full_name: 'Alan Turing!',
    });
    const after = JSON.parse(
      (await captured(() => errorsList({ db, limit: 10, json: true, flow: 'customers' }))).stdout,
    ) as {
      status: string;
    }[];
    expect(after.map((e) => e.status)).toEqual(['retried']);
  });

  it('an ambiguous match is a conflict with its candidates; --pair links the chosen one on the next run', async () => {
    const c = erp.prepare('INSERT INTO clients (email_address, full_name, modified) VALUES (?, ?, ?)');
    c.run('alan@example.com', 'Alan (old account)', past);
    c.run('alan@example.com', 'Alan Turing', past);
    const first = await run();
    expect(first.stdout).toContain('ambiguous match');
    const [conflict] = JSON.parse(
      (await captured(() => conflictsList('customers', { db, limit: 10, kind: 'match', json: true }))).stdout,
    ) as { id: number }[];
    const shown = (await captured(() => conflictsShow(String(conflict?.id), { db }))).stdout;
    expect(shown).toMatch(/record\s+crm\s+2\s/);
    expect(shown).toMatch(/candidate\s+erp\s+2\s+\{"email_address":"\*\*\*\.com","full_name":"Alan \(old account\)"\}/);
    expect(shown).toMatch(/candidate\s+erp\s+3\s/);
    await expect(conflictsResolve([String(conflict?.id)], { db, pair: '7' })).rejects.toThrow(
      '"7" is not one of its candidates (2, 3)',
    );
    await captured(() => conflictsResolve([String(conflict?.id)], { db, pair: '3' }));
    await run();
    const links = JSON.parse(
      (await captured(() => linksList('customers', { db, limit: 10, search: '2', json: true }))).stdout,
    ) as { aId: string; bId: string }[];
    expect(links.filter((l) => l.aId === '2').map((l) => l.bId)).toEqual(['3']);
  });

  it('a delete held for review is listed, approved, and propagated by the next run', async () => {
    writeFileSync(
      file,
      FILE.replace('conflicts: manual', 'conflicts: manual\n    deletes: { policy: review }').replace(
        'cursor: updated_at,',
        'cursor: updated_at, deleted: { field: deleted },',
      ),
    );
    crm.exec('ALTER TABLE contacts ADD COLUMN deleted INTEGER NOT NULL DEFAULT 0');
    await run();
    crm.prepare('UPDATE contacts SET deleted = 1, updated_at = ? WHERE id = 2').run(now());
    const held = await run();
    expect(held.stdout).toContain('deletes wait for review: syncline deletes customers');
    expect(erp.prepare('SELECT count(*) AS n FROM clients').get()).toEqual({ n: 2 });
    const listed = await captured(() => deletesList('customers', { db, limit: 10 }));
    expect(listed.stdout).toMatch(/\d+\s+crm 2\s+erp 2\s/);
    const approved = await captured(() => deletesDecide('approve', 'customers', [], { db, all: true }));
    expect(approved.stdout).toContain('delete approved: the next run deletes erp 2');
    const propagated = await run();
    expect(propagated.stdout).toMatch(/b erp\s+\d+\s+\d+\s+0\s+0\s+1\s+0/);
    expect(erp.prepare('SELECT client_no FROM clients').all()).toEqual([{ client_no: 1 }]);
    expect((await captured(() => deletesList('customers', { db, limit: 10 }))).stdout).toBe(
      'no deletes of sync customers wait for review\n',
    );
  });

  it('run <file> without a name runs every flow, then every sync of the file', async () => {
    const all = await captured(() => runCommand(file, undefined, { db }));
    expect(all.status).toBe(0);
    expect(all.stdout).toContain('of sync "customers": succeeded');
    expect(erp.prepare('SELECT count(*) AS n FROM clients').get()).toEqual({ n: 2 });
  });

  it('serve runs the sync on its schedule like a flow', async () => {
    const store = await openStore(db);
    const clock = new ManualClock(Date.UTC(2026, 5, 1, 0, 1));
    const app = createSyncline({ store, catalog: builtinCatalog, clock, env: {} });
    const ended: RunRow[] = [];
    app.events.subscribe((e) => {
      if (e.type === 'run.ended') ended.push(e.run);
    });
    try {
      const service = await app.serve(await app.projects.load(file));
      expect(service.flows.list()).toEqual([
        {
          flow: 'customers',
          schedule: '*/10 * * * *',
          timezone: null,
          nextRun: new Date(Date.UTC(2026, 5, 1, 0, 10)),
        },
      ]);
      await service.start();
      await clock.tick(10 * 60_000);
      await vi.waitFor(() =>
        expect(ended.map((r) => [r.flow, r.trigger, r.status, r.counts.sync?.b.created])).toEqual([
          ['customers', 'schedule', 'succeeded', 1],
        ]),
      );
      await service.stop();
    } finally {
      await app.close();
      await store.close();
    }
  });
});
