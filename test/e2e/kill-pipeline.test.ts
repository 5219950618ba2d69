import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { exited, startSyncline, syncline, waitForLivePages } from '../helpers/cli.js';

const ROWS = 100_000;
const KILLS = 10;

// extract hands its records on in big pages; load reads them in small ones, so kills land in both stages
const flow = `
connections:
  files: { type: file, dir: . }
  db: { type: sqlite, path: dest.db }
flows:
  extract:
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: 5000 }
    steps:
      - map:
          id: { from: id }
          name: { from: name, transform: uppercase }
          n: { from: n }
    next: load
  load:
    source: { flow: extract, pageSize: 500 }
    destinations:
      - { connection: db, type: sqlite.table, table: out, operation: upsert, key: [id], createTable: true, batch: { size: 500 } }
`;

function query<T>(file: string, sql: string): T {
  const db = new Database(file, { readonly: true });
  try {
    return db.prepare(sql).get() as T;
  } finally {
    db.close();
  }
}

describe('SIGKILL in a pipeline', () => {
  it('loses and duplicates nothing: each stage resumes from its own checkpoint, records handed on exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-kill-pipeline-'));
    const lines = ['id,name,n'];
    for (let i = 1; i <= ROWS; i++) lines.push(`${i},"name ${i}",${i % 1000}`);
    writeFileSync(join(dir, 'source.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'flow.yaml'), flow);
    const stateFile = join(dir, 'state.db');
    const env = { SYNCLINE_DB: stateFile };
    const extracted = () =>
      query<{ n: number }>(stateFile, "select count(*) as n from runs where flow = 'extract' and status = 'succeeded'")
        .n > 0;
    const stages = new Set<string>();
    for (let attempt = 0; attempt < KILLS; attempt++) {
      // the first stage until it completed once; then the stage after it, from where it stopped
      const stage = attempt > 0 && extracted() ? 'load' : 'extract';
      const child = startSyncline(['run', 'flow.yaml', stage], { cwd: dir, env });
      await waitForLivePages(stateFile, 1 + Math.floor(Math.random() * 8), child);
      if (child.exitCode === null) child.kill('SIGKILL');
      await exited(child);
      stages.add(stage);
    }
    expect(stages).toEqual(new Set(['extract', 'load']));
    const final = syncline(['run', 'flow.yaml', extracted() ? 'load' : 'extract'], { cwd: dir, env });
    expect(final.stderr).toBe('');
    expect(final.status).toBe(0);

    const out = query<Record<string, number>>(
      join(dir, 'dest.db'),
      'select count(*) as rows, count(distinct id) as ids, min(id) as lo, max(id) as hi from out',
    );
    expect(out).toEqual({ rows: ROWS, ids: ROWS, lo: 1, hi: ROWS });
    expect(query<{ n: number }>(stateFile, 'select count(*) as n from error_records').n).toBe(0);
    // every record was handed on exactly once: a page's hand-off commits with its checkpoint or not at all
    expect(query<{ seq: number }>(stateFile, "select seq from sqlite_sequence where name = 'inbox_events'").seq).toBe(
      ROWS,
    );
    // and load committed each of them once (a page re-read after a kill counts only when it commits)
    const loaded = query<{ n: number }>(
      stateFile,
      "select sum(p.records) as n from run_pages p join runs r on r.id = p.run_id where r.flow = 'load'",
    );
    expect(loaded.n).toBe(ROWS);
    // what load read and committed left the store
    expect(query<{ n: number }>(stateFile, "select count(*) as n from inbox_events where flow = 'load'").n).toBe(0);
    expect(query<{ n: number }>(stateFile, "select count(*) as n from runs where status = 'running'").n).toBe(0);
  }, 180_000);
});
