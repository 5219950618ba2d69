import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { errorsList, errorsResolve, errorsRetry, errorsShow } from '../../src/cli/errors-command.js';
import { runsCommand } from '../../src/cli/runs-command.js';
import { captured } from '../helpers/capture-stdout.js';
import { cliPath, exited, startSyncline, syncline, waitForLivePages } from '../helpers/cli.js';

const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: crm.db }
flows:
  customers:
    source:
      connection: files
      type: file.csv
      path: customers.csv
      columns: { id: integer }
    steps:
      - filter: { field: tier, op: ne, value: retired }
      - map:
          customer_id: { from: id }
          email: { from: email, transform: [trim, lowercase], onMissing: error }
          name: { template: "{{first}} {{last}}" }
    destinations:
      - { connection: crm, type: sqlite.table, table: customers, operation: upsert, key: [customer_id], createTable: true }
`;

const csv = `id,email,first,last,tier
1, Ada@Example.com ,Ada,Lovelace,gold
2,grace@example.com,Grace,Hopper,silver
3,,Linus,Torvalds,bronze
4,ken@example.com,Ken,Thompson,retired
5,"broken@example.com,Dennis,Ritchie,gold
`;

let dir = '';
let env: Record<string, string> = {};
const run = (...args: string[]) => syncline(args, { cwd: dir, env });

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'syncline-cli-'));
  env = { SYNCLINE_DB: join(dir, 'state.db') };
  writeFileSync(join(dir, 'flow.yaml'), flow);
  writeFileSync(join(dir, 'customers.csv'), csv);
});

describe('syncline CLI', () => {
  it('--version prints the package version', () => {
    const r = run('--version');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('a reader that closes the pipe early (`| head -c 1`) ends the command quietly, no EPIPE stack trace', () => {
    const r = spawnSync('sh', ['-c', `"${process.execPath}" "${cliPath}" schema | head -c 1`], {
      cwd: dir,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    expect(r.stdout).toBe('{');
    expect(r.stderr).not.toContain('EPIPE');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('fails clearly on a missing flow file and an unknown flow', () => {
    const missing = run('run', 'nope.yaml');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('FILE_NOT_FOUND');
    const unknown = run('run', 'flow.yaml', 'orders');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr).toContain('FLOW_NOT_FOUND');
    expect(unknown.stderr).toContain('customers');
  });

  it('fails clearly when the store path is unwritable, or (reading) holds no store', () => {
    const r = syncline(['run', 'flow.yaml'], { cwd: dir, env: { SYNCLINE_DB: '/proc/syncline/state.db' } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('STORE_UNAVAILABLE');
    expect(r.stderr).toContain('SYNCLINE_DB');
    const read = syncline(['runs'], { cwd: dir, env: { SYNCLINE_DB: '/proc/syncline/state.db' } });
    expect(read.status).toBe(1);
    expect(read.stderr).toContain('STORE_NOT_FOUND');
    expect(read.stderr).toContain('there is no state store at "/proc/syncline/state.db" (SYNCLINE_DB)');
  });

  it('run → runs → errors list/show/retry/resolve (the run spawned, the rest in process)', async () => {
    const first = run('run', 'flow.yaml');
    expect(first.status).toBe(2);
    expect(first.stdout).toContain('completed with errors');
    expect(first.stdout).toMatch(/destination crm\s+2\s+2/);
    const db = new Database(join(dir, 'crm.db'), { readonly: true });
    expect(db.prepare('select customer_id, email, name from customers order by customer_id').all()).toEqual([
      { customer_id: 1, email: 'ada@example.com', name: 'Ada Lovelace' },
      { customer_id: 2, email: 'grace@example.com', name: 'Grace Hopper' },
    ]);
    db.close();

    const store = env.SYNCLINE_DB;
    const runs = await captured(() => runsCommand(undefined, { db: store, limit: 20 }));
    expect(runs.stdout).toMatch(/completed with errors/);

    const list = await captured(() => errorsList({ db: store, limit: 50, json: true }));
    const errors = JSON.parse(list.stdout) as { id: number; code: string; stage: string }[];
    expect(errors.map((e) => e.code).sort()).toEqual(['RECORD_MALFORMED', 'RECORD_MISSING_FIELD']);
    const missing = errors.find((e) => e.code === 'RECORD_MISSING_FIELD');
    const malformed = errors.find((e) => e.code === 'RECORD_MALFORMED');
    if (!missing || !malformed) throw new Error('expected both errors');

    const show = await captured(() => errorsShow(String(missing.id), { db: store }));
    expect(show.stdout).toContain('hint:');
    expect(show.stdout).toContain('Torvalds');

    const notJson = join(dir, 'fix.txt');
    writeFileSync(notJson, '{ email: nope');
    await expect(errorsRetry([String(missing.id)], { db: store, payload: notJson })).rejects.toMatchObject({
      code: 'PAYLOAD_INVALID',
    });

    const fix = join(dir, 'fix.json');
    writeFileSync(
      fix,
      JSON.stringify({ id: 3, email: 'Linus@Example.com', first: 'Linus', last: 'Torvalds', tier: 'bronze' }),
    );
    const retried = await captured(() => errorsRetry([String(missing.id)], { db: store, payload: fix }));
    expect(retried.stdout).toContain('retried');
    expect(retried.status).toBe(0);
    await expect(errorsRetry([String(missing.id)], { db: store })).rejects.toMatchObject({
      code: 'ERROR_RECORD_RESOLVED',
    });

    const resolved = await captured(() => errorsResolve([String(malformed.id)], { db: store, note: 'fixed upstream' }));
    expect(resolved.status).toBe(0);
    const open = JSON.parse(
      (await captured(() => errorsList({ db: store, limit: 50, status: 'open', json: true }))).stdout,
    ) as unknown[];
    expect(open).toEqual([]);
    const crm = new Database(join(dir, 'crm.db'), { readonly: true });
    expect(crm.prepare('select email from customers where customer_id = 3').get()).toEqual({
      email: 'linus@example.com',
    });
    crm.close();
  });

  it('SIGINT cancels a run cleanly and the next run resumes', async () => {
    const big = ['id,email,first,last,tier'];
    for (let i = 1; i <= 300_000; i++) big.push(`${i},u${i}@example.com,F${i},L${i},gold`);
    writeFileSync(join(dir, 'customers.csv'), `${big.join('\n')}\n`);
    const child = startSyncline(['run', 'flow.yaml', 'customers'], { cwd: dir, env });
    let out = '';
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    await waitForLivePages(join(dir, 'state.db'), 20, child);
    expect(child.exitCode).toBeNull();
    child.kill('SIGINT');
    const code = await exited(child);
    expect(code).toBe(130);
    expect(out).toContain('canceled');
    const next = run('run', 'flow.yaml', 'customers');
    expect(next.status).toBe(0);
    expect(next.stdout).toContain('resumed');
    const db = new Database(join(dir, 'crm.db'), { readonly: true });
    expect(db.prepare('select count(*) as n from customers').get()).toEqual({ n: 300_000 });
    db.close();
  }, 60_000);
});
