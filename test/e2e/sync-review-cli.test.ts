import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';
import { type Seeded, seedSyncReview } from '../helpers/sync-review.js';

/** The review commands of a sync through the built binary: commander wiring, exit codes, error blocks (a spawn each: slow on a busy machine). */
let s: Seeded;
beforeAll(async () => {
  s = await seedSyncReview();
});
afterAll(() => s.cleanup());

const cli = (...args: string[]) => syncline(['--db', s.db, ...args], { cwd: s.dir });

describe('syncline conflicts|links|deletes (binary)', () => {
  it('lists through the default subcommands and options; an unknown sync is an error block with the syncs', () => {
    const links = cli('links', 'customers', '--status', 'error');
    expect(links.status).toBe(0);
    expect(links.stdout).toMatch(/4\s+4\s+C-4\s+error/);
    const deletes = cli('deletes', 'customers');
    expect(deletes.stdout).toMatch(/3\s+erp C-3\s+crm 3/);
    const conflicts = cli('conflicts', 'list', 'customers', '--field', 'name');
    expect(conflicts.stdout).toMatch(/name\s+crm 2 ↔ erp C-2/);
    expect(conflicts.stdout).toContain('1 of 1 shown');
    const show = cli('conflicts', 'show', String(s.conflicts.email), '--unmask');
    expect(show.stdout).toContain('ada.b@example.com');
    const unknown = cli('links', 'custmers');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain(
      'error [SYNC_NOT_FOUND]: no sync named "custmers" has run with this state store (syncs: customers)',
    );
    const missing = cli('conflicts', 'show', '999');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('error [SYNC_CONFLICT_NOT_FOUND]: conflict 999: no conflict has this id');
    expect(missing.stderr).toContain('next: syncline conflicts list');
    const noLink = cli('links', 'unlink', 'customers', '999');
    expect(noLink.stderr).toContain('error [SYNC_LINK_NOT_FOUND]: sync customers has no link 999');
    expect(noLink.stderr).toContain('next: syncline links customers');
  }, 120_000);

  it('acts: resolve with --take, bulk asking for --yes, approve a delete, relink with --a/--b, resync --from', () => {
    const bulk = cli('conflicts', 'resolve', '--all', '--kind', 'field', '--take', 'a');
    expect(bulk.status).toBe(1);
    expect(bulk.stdout).toContain('nothing resolved yet: add --yes to resolve all 2');
    const yes = cli('conflicts', 'resolve', '--all', '--kind', 'field', '--take', 'a', '--yes', '--note', 'crm wins');
    expect(yes.status).toBe(0);
    expect(yes.stdout).toContain("resolved: crm's value wins (crm wins)");
    const pair = cli('conflicts', 'resolve', String(s.conflicts.match), '--pair', 'C-91');
    expect(pair.stdout).toContain('paired with C-91');
    const approve = cli('deletes', 'approve', 'customers', String(s.links[2]));
    expect(approve.stdout).toContain('delete approved: the next run deletes crm 3');
    const relink = cli('links', 'relink', 'customers', String(s.links[3]), '--a', '40', '--b', 'C-40');
    expect(relink.stdout).toContain('now pairs crm 40 with erp C-40');
    const resync = cli('links', 'resync', 'customers', String(s.links[0]), '--from', 'b');
    expect(resync.stdout).toContain("the next run sends erp C-1's values to crm 1");
    const help = cli('links', '--help');
    expect(help.stdout).toMatch(/unlink[\s\S]*relink[\s\S]*resync/);
  }, 120_000);
});
