import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exited, startSyncline, syncline, waitForLivePages } from '../helpers/cli.js';

const ROWS = 200_000;
/** Issue 5 (b): twenty SIGKILLs at random moments, each followed by a resume. */
const KILLS = 20;

const flow = `
connections:
  files: { type: file, dir: . }
  db: { type: sqlite, path: dest.db }
flows:
  copy:
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: 500 }
    steps:
      - map:
          id: { from: id }
          name: { from: name, transform: uppercase }
          n: { from: n }
    destinations:
      - { connection: db, type: sqlite.table, table: out, operation: upsert, key: [id], createTable: true, batch: { size: 500 } }
`;

function writeSource(dir: string): void {
  const lines = ['id,name,n'];
  for (let i = 1; i <= ROWS; i++) lines.push(`${i},"name ${i}",${i % 1000}`);
  writeFileSync(join(dir, 'source.csv'), `${lines.join('\n')}\n`);
  writeFileSync(join(dir, 'flow.yaml'), flow);
}

describe('SIGKILL at random moments', () => {
  it('survives 20 SIGKILLs: resumes from the last checkpoint each time: the destination equals the source, no gaps, no duplicates', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-kill-'));
    writeSource(dir);
    const env = { SYNCLINE_DB: join(dir, 'state.db') };
    let killedMidRun = 0;
    const stateFile = join(dir, 'state.db');
    for (let attempt = 0; attempt < KILLS; attempt++) {
      const child = startSyncline(['run', 'flow.yaml', 'copy'], { cwd: dir, env });
      // a random moment after the run has committed between 1 and 15 of its 500-record pages
      const threshold = 1 + Math.floor(Math.random() * 15);
      await waitForLivePages(stateFile, threshold, child);
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        killedMidRun += 1;
      }
      await exited(child);
    }
    expect(killedMidRun).toBe(KILLS);
    const final = syncline(['run', 'flow.yaml', 'copy'], { cwd: dir, env });
    expect(final.stderr).toBe('');
    expect(final.status).toBe(0);

    const db = new Database(join(dir, 'dest.db'), { readonly: true });
    const stats = db
      .prepare(
        'select count(*) as rows, count(distinct id) as ids, min(id) as lo, max(id) as hi, sum(n) as total from out',
      )
      .get() as Record<string, number>;
    const wrong = db.prepare("select count(*) as c from out where name != 'NAME ' || id or n != id % 1000").get() as {
      c: number;
    };
    db.close();
    let expectedTotal = 0;
    for (let i = 1; i <= ROWS; i++) expectedTotal += i % 1000;
    expect(stats).toEqual({ rows: ROWS, ids: ROWS, lo: 1, hi: ROWS, total: expectedTotal });
    expect(wrong.c).toBe(0);

    const state = new Database(join(dir, 'state.db'), { readonly: true });
    const runs = state.prepare('select status, resumed_from from runs order by id').all() as {
      status: string;
      resumed_from: number | null;
    }[];
    state.close();
    expect(runs).toHaveLength(KILLS + 1);
    // every run after the first resumed the one before it
    expect(runs.slice(1).every((r) => r.resumed_from !== null)).toBe(true);
    expect(runs.at(-1)?.status).toBe('succeeded');
    expect(runs.filter((r) => r.status === 'running')).toEqual([]);
  }, 120_000);
});
