import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';

/**
 * Issue 5, fault injection (c): a source in which 1% of the records are malformed, in three ways —
 * broken CSV quoting, a wrong number of fields, a value that is not the column's type — plus 0.5%
 * that the mapping rejects (no email). Every good record must arrive; every bad one must be in the
 * error store with a reason that names the line and what is wrong.
 */
const ROWS = 20_000;
const dir = mkdtempSync(join(tmpdir(), 'syncline-malformed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Kind = 'quote' | 'fields' | 'type' | 'email';
function kindOf(i: number): Kind | undefined {
  if (i % 100 === 17) return (['quote', 'fields', 'type'] as const)[Math.floor(i / 100) % 3];
  if (i % 200 === 51) return 'email';
  return undefined;
}

function writeSource(): Map<number, Kind> {
  const bad = new Map<number, Kind>();
  const lines = ['id,email,amount,note'];
  for (let i = 1; i <= ROWS; i++) {
    const kind = kindOf(i);
    if (kind) bad.set(i, kind);
    if (kind === 'quote') lines.push(`${i},"user${i}@example.com,1.5,unterminated`);
    else if (kind === 'fields') lines.push(`${i},user${i}@example.com,1.5`);
    else if (kind === 'type') lines.push(`${i},user${i}@example.com,twelve,x`);
    else if (kind === 'email') lines.push(`${i},,2.5,"no email, so the mapping rejects it"`);
    else lines.push(`${i},user${i}@example.com,${(i % 97) + 0.25},"a note, with a comma"`);
  }
  writeFileSync(join(dir, 'in.csv'), `${lines.join('\n')}\n`);
  writeFileSync(
    join(dir, 'flow.yaml'),
    `connections:
  files: { type: file, dir: . }
  db: { type: sqlite, path: out.db }
flows:
  load:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, amount: number }, pageSize: 1000 }
    steps:
      - map:
          id: { from: id }
          email: { from: email, onMissing: error }
          amount: { from: amount }
    destinations:
      - { connection: db, type: sqlite.table, table: payments, operation: upsert, key: [id], createTable: true }
`,
  );
  return bad;
}

describe('a source with 1% malformed records', () => {
  it('delivers every good record and keeps every bad one with a clear reason', () => {
    const bad = writeSource();
    const env = { SYNCLINE_DB: join(dir, 'state.db') };
    const run = syncline(['run', 'flow.yaml', '--json'], { cwd: dir, env });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(2); // completed with errors
    const summary = JSON.parse(run.stdout) as { counts: { read: number; written: number; failed: number } };
    expect(summary.counts.failed).toBe(bad.size);

    const out = new Database(join(dir, 'out.db'), { readonly: true });
    const ids = new Set((out.prepare('select id from payments').all() as { id: number }[]).map((r) => r.id));
    out.close();
    expect(ids.size).toBe(ROWS - bad.size);
    for (let i = 1; i <= ROWS; i++) expect(ids.has(i)).toBe(!bad.has(i));

    const list = syncline(['errors', 'list', '--json', '--limit', '1000'], { cwd: dir, env });
    const errors = JSON.parse(list.stdout) as { recordId: string; code: string; message: string; stage: string }[];
    expect(errors).toHaveLength(bad.size);
    const byLine = new Map(errors.map((e) => [e.recordId, e]));
    const expected: Record<Kind, { code: string; stage: string; message: RegExp }> = {
      quote: { code: 'RECORD_MALFORMED', stage: 'source', message: /quote|expected 4 fields/ },
      fields: { code: 'RECORD_MALFORMED', stage: 'source', message: /expected 4 fields, found 3/ },
      type: { code: 'RECORD_BAD_VALUE', stage: 'source', message: /column "amount" is "twelve", not a number/ },
      email: { code: 'RECORD_MISSING_FIELD', stage: 'step:map', message: /email/ },
    };
    for (const [i, kind] of bad) {
      const e = byLine.get(`line:${i + 1}`);
      expect(e, `error record of line ${i + 1} (${kind})`).toBeDefined();
      expect(e?.code).toBe(expected[kind].code);
      expect(e?.stage).toBe(expected[kind].stage);
      expect(e?.message).toMatch(expected[kind].message);
    }
  }, 60_000);
});
