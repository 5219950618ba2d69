import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
let dir: string;

function copyExample(): void {
  dir = mkdtempSync(join(tmpdir(), 'syncline-pipeline-'));
  cpSync(join(examples, 'pipeline.yaml'), join(dir, 'pipeline.yaml'));
  cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
}

const cli = (...args: string[]) => syncline(['--db', join(dir, 'state.db'), ...args], { cwd: dir });

function runsOf(flow: string): { status: string; trigger: string }[] {
  const db = new Database(join(dir, 'state.db'), { readonly: true });
  try {
    return db.prepare('select status, trigger from runs where flow = ? order by id').all(flow) as {
      status: string;
      trigger: string;
    }[];
  } finally {
    db.close();
  }
}

function warehouse(): { order_no: string; region: string }[] {
  const db = new Database(join(dir, 'pipeline-warehouse.db'), { readonly: true });
  try {
    return db.prepare('select order_no, region from orders order by order_no').all() as {
      order_no: string;
      region: string;
    }[];
  } finally {
    db.close();
  }
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('examples/pipeline.yaml', () => {
  it('runs the three stages in order, each handing its records on through the store', () => {
    copyExample();
    const r = cli('run', 'pipeline.yaml');
    expect(r.status).toBe(2); // one order breaks a validate rule: completed with errors
    expect(r.stdout).toContain('handed on to the next stage: 7 records');
    expect(r.stdout).toContain('handed on to the next stage: 6 records');
    expect(warehouse()).toHaveLength(6);
    expect(warehouse()[0]).toEqual({ order_no: 'SO-1001', region: 'UK' });
    expect(runsOf('enrich-orders')).toEqual([{ status: 'completed_with_errors', trigger: 'flow:extract-orders' }]);
    expect(runsOf('load-orders')).toEqual([{ status: 'succeeded', trigger: 'flow:enrich-orders' }]);
    const errors = cli('errors', 'list', '--flow', 'enrich-orders', '--json');
    expect(errors.stdout).toContain('DATA_QUALITY');
  }, 60_000);

  it('delivers a retried record of a middle stage: handed on, and the stage after it runs', () => {
    copyExample();
    expect(cli('run', 'pipeline.yaml').status).toBe(2);
    expect(warehouse()).toHaveLength(6);
    const [bad] = JSON.parse(cli('errors', 'list', '--flow', 'enrich-orders', '--json').stdout) as {
      id: number;
      payload: Record<string, unknown>;
    }[];
    if (!bad) throw new Error('expected the order with a negative total in the error store');
    expect(bad.payload.order_no).toBe('SO-1007');
    writeFileSync(join(dir, 'fix.json'), JSON.stringify({ ...bad.payload, total: 5 }));
    const r = cli('errors', 'retry', String(bad.id), '--payload', 'fix.json');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`error record ${bad.id}: retried, handed on to load-orders`);
    expect(r.stdout).toMatch(/run \d+ of flow "load-orders": succeeded/);
    expect(warehouse()).toHaveLength(7);
    expect(warehouse().find((o) => o.order_no === 'SO-1007')).toEqual({ order_no: 'SO-1007', region: 'NA' });
    expect(runsOf('load-orders')).toEqual([
      { status: 'succeeded', trigger: 'flow:enrich-orders' },
      { status: 'succeeded', trigger: 'retry' },
    ]);
  }, 60_000);

  it('goes on from a failed stage without running the stages before it again', () => {
    copyExample();
    const file = join(dir, 'pipeline.yaml');
    const good = readFileSync(file, 'utf8');
    // the warehouse cannot be opened: the last stage fails, the first two complete
    writeFileSync(file, good.replace('path: pipeline-warehouse.db', 'path: no-such-dir/warehouse.db'));
    const broken = cli('run', 'pipeline.yaml');
    expect(broken.status).toBe(1);
    expect(broken.stdout).toContain('pipeline stopped at stage load-orders; its input waits in the store.');
    expect(broken.stdout).toContain('`syncline run pipeline.yaml load-orders` goes on from where it failed');
    expect(runsOf('load-orders').map((x) => x.status)).toEqual(['failed']);

    writeFileSync(file, good);
    const resumed = cli('run', 'pipeline.yaml', 'load-orders');
    expect(resumed.status).toBe(0);
    expect(warehouse()).toHaveLength(6);
    expect(runsOf('extract-orders')).toHaveLength(1);
    expect(runsOf('enrich-orders')).toHaveLength(1);
    // handled records leave the store: running the stage again finds nothing
    const again = cli('run', 'pipeline.yaml', 'load-orders');
    expect(again.stdout).toMatch(/source\s+0\s+0/);
  }, 60_000);

  it('refuses a cycle in next: before anything runs, naming the chain', () => {
    copyExample();
    const file = join(dir, 'pipeline.yaml');
    const text = readFileSync(file, 'utf8')
      .replace(
        'source: { connection: files, type: file.csv, path: shop-orders.csv, columns: { order_id: integer, total: number } }',
        'source: { flow: load-orders }',
      )
      .replace('        createTable: true\n', '        createTable: true\n    next: extract-orders\n');
    writeFileSync(file, text);
    const r = cli('run', 'pipeline.yaml');
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('[CONFIG_PIPELINE_CYCLE]');
    expect(r.stderr).toContain('extract-orders → enrich-orders → load-orders → extract-orders');
  }, 60_000);
});
