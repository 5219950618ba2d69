import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captured } from '../../test/helpers/capture-stdout.js';
import { errorsList, errorsPurge, errorsResolve, errorsRetry, errorsShow } from './errors-command.js';
import { openApp } from './open-app.js';
import { statusCommand } from './status-command.js';

/** `syncline errors …` and `status` as adapters over app: parsing and printing, in process (formerly test/e2e/error-queue). */
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
  recordId: string;
  status: string;
  attempts: number;
  payload: Record<string, unknown>;
}

let dir = '';
let db = '';
const list = async (filters: Record<string, string> = {}) =>
  JSON.parse((await captured(() => errorsList({ db, limit: 50, json: true, ...filters }))).stdout) as Listed[];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-dlq-'));
  db = join(dir, 'state.db');
  writeFileSync(join(dir, 'flow.yaml'), flow);
  writeFileSync(join(dir, 'customers.csv'), csv());
  const app = await openApp({ db });
  try {
    const run = await app
      .engine()
      .run(await app.projects.load(join(dir, 'flow.yaml')), 'customers', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
  } finally {
    await app.close();
  }
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the error store as a dead-letter queue, through the CLI commands', () => {
  it('status shows the flow, its last run and its open error records', async () => {
    const json = JSON.parse((await captured(() => statusCommand({ db, json: true }))).stdout) as {
      flows: { flow: string; lastRun: { status: string }; openErrors: number }[];
      breakers: unknown[];
    };
    expect(json.flows).toEqual([
      expect.objectContaining({
        flow: 'customers',
        lastRun: expect.objectContaining({ status: 'completed_with_errors' }),
        openErrors: 6,
      }),
    ]);
    expect(json.breakers).toEqual([]);
    const text = (await captured(() => statusCommand({ db }))).stdout;
    expect(text).toMatch(/customers\s+completed with errors\s+\d+\s+\S+ \S+\s+31\s+25\s+6/);
    expect(text).toContain('circuit breakers: none has tripped yet');
  });

  it('lists with filters: code, stage, record, kind, time; an empty match says so', async () => {
    expect(await list()).toHaveLength(6);
    expect((await list({ code: 'RECORD_MISSING_FIELD' })).map((e) => e.recordId).sort()).toEqual(
      ['line:13', 'line:19', 'line:25', 'line:31', 'line:7'].sort(),
    );
    expect((await list({ stage: 'source' })).map((e) => e.code)).toEqual(['RECORD_MALFORMED']);
    expect(await list({ record: 'line:7' })).toHaveLength(1);
    expect(await list({ kind: 'record' })).toHaveLength(6);
    expect(await list({ since: '1h' })).toHaveLength(6);
    expect(await list({ until: '1h' })).toHaveLength(0);
    expect(await list({ since: '2020-01-01', flow: 'customers', status: 'open' })).toHaveLength(6);
    const table = await captured(() => errorsList({ db, limit: 2 }));
    expect(table.stdout).toMatch(/^id\s+flow\s+run\s+record\s+stage\s+code\s+status\s+tries\s+message/);
    expect(table.stdout).toContain('2 of 6 shown; details: syncline errors show <id>');
    const none = await captured(() => errorsList({ db, limit: 50, flow: 'nope', code: 'X' }));
    expect(none.stdout).toContain('no error records match (flow=nope code=X)');
    await expect(errorsList({ db, limit: 50, since: 'yesterday-ish' })).rejects.toThrow(
      '--since "yesterday-ish" is neither a date nor a span',
    );
    await expect(errorsList({ db, limit: 50, stage: 'source', destination: 'crm' })).rejects.toThrow(
      '--stage source and --destination crm contradict each other',
    );
  });

  it("masks the flow's pii fields in show and list, unless --unmask", async () => {
    const [e] = await list({ record: 'line:7' });
    if (!e) throw new Error('expected line:7 (id 6)');
    expect(e.payload).toEqual({ id: 6, email: null, name: '***er 6', phone: '***5006' });
    const shown = (await captured(() => errorsShow(String(e.id), { db }))).stdout;
    expect(shown).toContain('"name": "***er 6"');
    expect(shown).toContain('masked: email, name, phone');
    expect(shown).not.toContain('User Number 6');
    expect((await captured(() => errorsShow(String(e.id), { db, unmask: true }))).stdout).toContain('User Number 6');
    const unknown = (await captured(() => errorsShow(String(e.id), { db, file: join(dir, 'gone.yaml') }))).stdout;
    expect(unknown).toContain('(values masked: the flow file is unknown; pass --file');
  });

  it('masks the pii of messages and of a line the source could not read, in show and list --json', async () => {
    const [bad] = await list({ code: 'RECORD_MALFORMED' });
    if (!bad) throw new Error('expected the malformed line 32');
    const shown = (await captured(() => errorsShow(String(bad.id), { db }))).stdout;
    expect(shown).toContain('payload:');
    for (const out of [JSON.stringify(bad), shown]) {
      expect(out).not.toContain('broken@example.com');
      expect(out).not.toContain('Broken');
    }
  });

  it('retries every match with --all: failed again, attempts and history kept, exit 2', async () => {
    const r = await captured(() => errorsRetry([], { db, all: true, code: 'RECORD_MISSING_FIELD' }));
    expect(r.status).toBe(2);
    expect(r.stdout).toMatch(/error record \d+: failed again \[RECORD_MISSING_FIELD\]/);
    expect(r.stdout).toContain('0 delivered, 5 failed again');
    const after = await list({ code: 'RECORD_MISSING_FIELD' });
    expect(after.every((e) => e.attempts === 2 && e.status === 'open')).toBe(true);
    const show = (await captured(() => errorsShow(String(after[0]?.id), { db }))).stdout;
    expect(show).toMatch(/history:\n\s+\S+ {2}failed \(run \d+\): \[RECORD_MISSING_FIELD\]/);
    expect(show).toMatch(/retry failed: \[RECORD_MISSING_FIELD\]/);
    const some = await captured(() => errorsRetry([String(after[0]?.id), '999999'], { db }));
    expect(some.status).toBe(2);
    expect(some.stdout).toContain(
      'error record 999999: not retried [ERROR_RECORD_NOT_FOUND]: no error record with id 999999',
    );
    expect(some.stdout).toContain('0 delivered, 1 failed again, 1 not retried');
    await expect(errorsRetry(['1'], { db, all: true })).rejects.toThrow(
      'give error record ids or --all with filters, not both',
    );
    await expect(errorsRetry([], { db })).rejects.toThrow('name the error records to retry');
    await expect(errorsRetry([], { db, all: true, status: 'resolved' })).rejects.toThrow(
      '--all acts on open records only; --status resolved cannot be retried',
    );
    await expect(errorsRetry(['x'], { db })).rejects.toThrow('"x" is not a valid error record id');
  });

  it('resolves every match with a note, refuses to retry a resolved one, and purges by age', async () => {
    const resolved = await captured(() =>
      errorsResolve([], { db, all: true, flow: 'customers', note: 'customers without email are dropped' }),
    );
    expect(resolved.status).toBe(0);
    expect(resolved.stdout.match(/resolved \(customers without email are dropped\)/g)).toHaveLength(6);
    expect(await list({ status: 'open' })).toEqual([]);
    const nothing = await captured(() => errorsResolve([], { db, all: true, flow: 'customers' }));
    expect(nothing.stdout).toContain('no open error records match (flow=customers); nothing resolved');
    const [one] = await list({ record: 'line:7' });
    await expect(errorsRetry([String(one?.id)], { db })).rejects.toThrow(`error record ${one?.id} is already resolved`);
    const shown = await captured(() => errorsShow(String(one?.id), { db }));
    expect(shown.stderr).toBe('');
    expect(shown.stdout).toContain('resolved: customers without email are dropped');
    expect((await captured(() => errorsPurge({ db, olderThan: '30d' }))).stdout).toContain(
      '0 retried or resolved error records older than 30d removed',
    );
    expect((await captured(() => errorsPurge({ db, olderThan: '0s' }))).stdout).toContain(
      '6 retried or resolved error records',
    );
    await expect(errorsPurge({ db, olderThan: 'soon' })).rejects.toThrow('--older-than "soon" is not a span');
    expect(await list()).toEqual([]);
  });
});
