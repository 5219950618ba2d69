import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';

const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: crm.db }
flows:
  customers:
    pii: [email, name, phone]
    source: { connection: files, type: file.csv, path: customers.csv, columns: { id: integer } }
    steps:
      - map:
          customer_id: { from: id }
          email: { from: email, transform: lowercase, onMissing: error }
          name: { from: name }
    destinations:
      - { connection: crm, type: sqlite.table, table: customers, operation: upsert, key: [customer_id], createTable: true }
`;

function csv(): string {
  const lines = ['id,email,name,phone'];
  for (let i = 1; i <= 30; i++)
    lines.push(`${i},${i % 6 === 0 ? '' : `user${i}@example.com`},User Number ${i},+49 170 55500${i}`);
  lines.push('31,"broken@example.com,Broken,+1');
  return `${lines.join('\n')}\n`;
}

interface Listed {
  id: number;
  code: string;
  stage: string;
  recordId: string;
  status: string;
  attempts: number;
  payload: Record<string, unknown>;
}

let dir = '';
let env: Record<string, string> = {};
const run = (...args: string[]) => syncline(args, { cwd: dir, env });
const list = (...filters: string[]) => JSON.parse(run('errors', 'list', '--json', ...filters).stdout) as Listed[];

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-dlq-'));
  env = { SYNCLINE_DB: join(dir, 'state.db') };
  writeFileSync(join(dir, 'flow.yaml'), flow);
  writeFileSync(join(dir, 'customers.csv'), csv());
  expect(run('run', 'flow.yaml').status).toBe(2);
});

describe('the error store as a dead-letter queue', () => {
  it('status shows the flow, its last run and its open error records', () => {
    const status = JSON.parse(run('status', '--json').stdout) as {
      flows: { flow: string; lastRun: { status: string }; openErrors: number }[];
      breakers: unknown[];
    };
    expect(status.flows).toEqual([
      expect.objectContaining({
        flow: 'customers',
        lastRun: expect.objectContaining({ status: 'completed_with_errors' }),
        openErrors: 6,
      }),
    ]);
    expect(status.breakers).toEqual([]);
    const text = run('status').stdout;
    expect(text).toMatch(/customers\s+completed with errors\s+\d+\s+\S+ \S+\s+31\s+25\s+6/);
    expect(text).toContain('circuit breakers: none has tripped yet');
  });

  it('lists with filters: code, stage, record, kind, time; an empty match says so', () => {
    expect(list()).toHaveLength(6);
    expect(
      list('--code', 'RECORD_MISSING_FIELD')
        .map((e) => e.recordId)
        .sort(),
    ).toEqual(['line:13', 'line:19', 'line:25', 'line:31', 'line:7'].sort());
    expect(list('--stage', 'source').map((e) => e.code)).toEqual(['RECORD_MALFORMED']);
    expect(list('--record', 'line:7')).toHaveLength(1);
    expect(list('--kind', 'record')).toHaveLength(6);
    expect(list('--since', '1h')).toHaveLength(6);
    expect(list('--until', '1h')).toHaveLength(0);
    expect(list('--since', '2020-01-01', '--flow', 'customers', '--status', 'open')).toHaveLength(6);
    const none = run('errors', 'list', '--flow', 'nope', '--code', 'X');
    expect(none.stdout).toContain('no error records match (flow=nope code=X)');
    const badTime = run('errors', 'list', '--since', 'yesterday-ish');
    expect(badTime.status).toBe(1);
    expect(badTime.stderr).toContain('--since "yesterday-ish" is neither a date nor a span');
  });

  it("masks the flow's pii fields in show and list, unless --unmask", () => {
    const [e] = list('--record', 'line:7');
    if (!e) throw new Error('expected line:7 (id 6)');
    expect(e.payload).toEqual({ id: 6, email: null, name: '***er 6', phone: '***5006' });
    const shown = run('errors', 'show', String(e.id));
    expect(shown.stdout).toContain('"name": "***er 6"');
    expect(shown.stdout).toContain('masked: email, name, phone');
    expect(shown.stdout).not.toContain('User Number 6');
    expect(run('errors', 'show', String(e.id), '--unmask').stdout).toContain('User Number 6');
  });

  it('masks the pii of messages and of a line the source could not read, in show and list --json', () => {
    const [bad] = list('--code', 'RECORD_MALFORMED');
    if (!bad) throw new Error('expected the malformed line 32');
    const shown = run('errors', 'show', String(bad.id)).stdout;
    expect(shown).toContain('payload:');
    for (const out of [JSON.stringify(bad), shown]) {
      expect(out).not.toContain('broken@example.com');
      expect(out).not.toContain('Broken');
    }
  });

  it('retries every match with --all: failed again, attempts and history kept, exit 2', () => {
    const r = run('errors', 'retry', '--all', '--code', 'RECORD_MISSING_FIELD');
    expect(r.status).toBe(2);
    expect(r.stdout).toContain('0 delivered, 5 failed again');
    const after = list('--code', 'RECORD_MISSING_FIELD');
    expect(after.every((e) => e.attempts === 2 && e.status === 'open')).toBe(true);
    const show = run('errors', 'show', String(after[0]?.id));
    expect(show.stdout).toMatch(/history:\n\s+\S+ {2}failed \(run \d+\): \[RECORD_MISSING_FIELD\]/);
    expect(show.stdout).toMatch(/retry failed: \[RECORD_MISSING_FIELD\]/);
    const both = run('errors', 'retry', '1', '--all');
    expect(both.stderr).toContain('give error record ids or --all with filters, not both');
    expect(run('errors', 'retry').stderr).toContain('name the error records to retry');
  });

  it('resolves every match with a note, refuses to retry a resolved one, and purges by age', () => {
    const resolved = run(
      'errors',
      'resolve',
      '--all',
      '--flow',
      'customers',
      '--note',
      'customers without email are dropped',
    );
    expect(resolved.status).toBe(0);
    expect(resolved.stdout.match(/resolved \(customers without email are dropped\)/g)).toHaveLength(6);
    expect(list('--status', 'open')).toEqual([]);
    const nothing = run('errors', 'resolve', '--all', '--flow', 'customers');
    expect(nothing.stdout).toContain('no open error records match (flow=customers); nothing resolved');
    const [one] = list('--record', 'line:7');
    const again = run('errors', 'retry', String(one?.id));
    expect(again.status).toBe(1);
    expect(again.stderr).toContain(`error record ${one?.id} is already resolved`);
    const shown = run('errors', 'show', String(one?.id));
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain('resolved: customers without email are dropped');
    expect(run('errors', 'purge').stdout).toContain('0 retried or resolved error records older than 30d removed');
    expect(run('errors', 'purge', '--older-than', '0s').stdout).toContain('6 retried or resolved error records');
    expect(list()).toEqual([]);
  });
});
