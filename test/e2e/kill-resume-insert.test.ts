import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { createTestSchema, testServerUrl } from '../../src/connectors/postgres/test-helpers.js';
import { exited, startSyncline, syncline, waitForLivePages } from '../helpers/cli.js';
import { requireServer } from '../helpers/servers.js';

// 120 pages: room for five kills after 1 to 10 committed pages each, also when a loaded machine
// lets the run go on for many pages between the check and the kill
const ROWS = 60_000;
/** Issue 11 item 14: a few SIGKILLs at random moments of an insert-mode run (no key to deduplicate on). */
const KILLS = 5;
const pgServer = new URL(testServerUrl);
const pgUp = await requireServer('PostgreSQL', pgServer.hostname, Number(pgServer.port || 5432));

const flow = (destination: string) => `
connections:
  files: { type: file, dir: . }
  db: ${destination}
flows:
  copy:
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer }, pageSize: 500 }
    destinations:
      - { connection: db, type: ${destination.includes('sqlite') ? 'sqlite' : 'postgres'}.table, table: out, operation: insert, batch: { size: 200 } }
`;

/** Kills the run a few times after 1 to 10 committed pages, then lets it finish; returns the runs' counts. */
async function killAndResume(dir: string, destination: string): Promise<Record<string, unknown>[]> {
  const lines = ['id'];
  for (let i = 1; i <= ROWS; i++) lines.push(String(i));
  writeFileSync(join(dir, 'source.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'flow.yaml'), flow(destination));
  const stateFile = join(dir, 'state.db');
  const env = { SYNCLINE_DB: stateFile };
  let killed = 0;
  const endedAlone: string[] = [];
  for (let attempt = 0; attempt < KILLS; attempt++) {
    const child = startSyncline(['run', 'flow.yaml', 'copy'], { cwd: dir, env });
    await waitForLivePages(stateFile, 1 + Math.floor(Math.random() * 10), child);
    if (child.exitCode === null) {
      child.kill('SIGKILL');
      killed += 1;
    } else endedAlone.push(`attempt ${attempt + 1} ended by itself with exit code ${child.exitCode}`);
    await exited(child);
  }
  expect(endedAlone).toEqual([]);
  expect(killed).toBe(KILLS);
  const final = syncline(['run', 'flow.yaml', 'copy'], { cwd: dir, env });
  expect(final.stderr).toBe('');
  expect(final.status).toBe(0);
  const state = new Database(stateFile, { readonly: true });
  const runs = state.prepare('select status, counts from runs order by id').all() as {
    status: string;
    counts: string | null;
  }[];
  state.close();
  expect(runs.at(-1)?.status).toBe('succeeded');
  return runs.map((r) => (JSON.parse(r.counts ?? '{}') ?? {}) as Record<string, unknown>);
}

/**
 * What the runs say matches the table: a row is counted written once, by the run that committed its
 * page; a batch that a killed run wrote but did not commit is counted by the resuming run as already
 * written (its marker found), not written again.
 */
function expectCounted(counts: Record<string, unknown>[]): void {
  const sum = (name: string) => counts.reduce((total, c) => total + Number(c[name] ?? 0), 0);
  expect(sum('written') + sum('alreadyWritten')).toBe(ROWS);
  // whole batches only: a page of 500 goes out as batches of 200, 200 and 100
  expect(sum('alreadyWritten') % 100).toBe(0);
}

describe('SIGKILL during an insert-mode run into an SQL table (page markers)', () => {
  it('SQLite: every source row is in the table exactly once after the kills and resumes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-kill-insert-'));
    const db = new Database(join(dir, 'dest.db'));
    db.exec('create table out (id integer)');
    db.close();
    const counts = await killAndResume(dir, '{ type: sqlite, path: dest.db }');
    const dest = new Database(join(dir, 'dest.db'), { readonly: true });
    const stats = dest.prepare('select count(*) as rows, count(distinct id) as ids from out').get();
    dest.close();
    expect(stats).toEqual({ rows: ROWS, ids: ROWS });
    expectCounted(counts);
  }, 240_000);

  it.skipIf(!pgUp)(
    'PostgreSQL: every source row is in the table exactly once after the kills and resumes',
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'syncline-kill-insert-pg-'));
      const schema = await createTestSchema('kill');
      try {
        await schema.sql('create table out (id integer)');
        const counts = await killAndResume(dir, `{ type: postgres, url: "${schema.url}" }`);
        const client = new pg.Client({ connectionString: schema.url });
        await client.connect();
        const stats = await client.query('select count(*)::int as rows, count(distinct id)::int as ids from out');
        await client.end();
        expect(stats.rows[0]).toEqual({ rows: ROWS, ids: ROWS });
        expectCounted(counts);
      } finally {
        await schema.drop();
      }
    },
    240_000,
  );
});
