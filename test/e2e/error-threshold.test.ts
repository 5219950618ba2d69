import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createEngine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/index.js';
import { tempContext } from '../helpers/temp-context.js';

/**
 * Issue 11 #21: a run whose records nearly all fail stops early (ERROR_THRESHOLD), its checkpoint
 * kept and its error store bounded, instead of storing one error record per source record; a run with
 * a few bad records still completes with errors. (The issue's 100,000-record case, scaled down.)
 */
const { dir } = tempContext('syncline-error-threshold-');

function writeOrders(file: string, count: number, bad: (i: number) => boolean): void {
  const lines = ['id,email'];
  for (let i = 1; i <= count; i++) lines.push(`${i},${bad(i) ? `not-an-email-${i}` : `user${i}@example.com`}`);
  writeFileSync(join(dir, file), `${lines.join('\n')}\n`);
}

const flowYaml = (csv: string, threshold = '') => `
connections:
  files: { type: file, dir: . }
  db: { type: sqlite, path: out.db }
flows:
  orders:
${threshold}
    source: { connection: files, type: file.csv, path: ${csv}, columns: { id: integer }, pageSize: 100 }
    steps:
      - validate:
          email: { required: true, pattern: "^[^@\\\\s]+@[^@\\\\s]+\\\\.[a-z]+$" }
    destinations:
      - { connection: db, type: sqlite.table, table: ${csv.replace('.csv', '')}, createTable: true }
`;

async function setup(csv: string, threshold?: string) {
  const project = parseProject(flowYaml(csv, threshold), join(dir, 'flow.yaml'), {
    connectors: builtinConnectors,
    steps: builtinSteps,
  });
  const store = await openStore(':memory:');
  const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
  return { project, store, engine };
}

describe('the run-level error threshold', () => {
  it('stops a run whose 5000 records all fail after about 1000, checkpoint kept, error store bounded', async () => {
    writeOrders('all-bad.csv', 5000, () => true);
    const { project, store, engine } = await setup('all-bad.csv');
    const run = await engine.run(project, 'orders', { trigger: 'cli' });

    expect(run.status).toBe('failed');
    expect(run.error?.code).toBe('ERROR_THRESHOLD');
    // the default (more than 90% of at least 1000 records): page 10 crosses it, page 11 was in flight
    expect(run.counts.read).toBe(1100);
    expect(run.pages).toBe(11);
    expect(await store.countErrors({ flow: 'orders' })).toBe(1100);
    expect(run.error?.message).toBe(
      'flow orders: 1100 of 1100 records failed (100%), more than maxErrorRate 0.9 (90%) of at least 1000 records; most often DATA_QUALITY (1100 of them): the run stopped at a page boundary, its checkpoint kept, instead of filling the error store',
    );
    expect(run.error?.next).toContainEqual({ action: 'errors.list', filter: { runId: run.id, code: 'DATA_QUALITY' } });
    expect(run.error?.hint).toContain('errorThreshold: { maxErrorRate: 1 }');
    expect(await store.getCheckpoint('orders')).toMatchObject({ runId: run.id });

    // the next run resumes after the last committed page and stops again after 1000 more
    const next = await engine.run(project, 'orders', { trigger: 'cli' });
    expect(next.resumedFrom).toBe(run.id);
    expect(next.error?.code).toBe('ERROR_THRESHOLD');
    expect(await store.countErrors({ flow: 'orders' })).toBe(2200);
    await store.close();
  });

  it('maxErrors stops at an absolute count; a run option overrides the flow', async () => {
    writeOrders('half-bad.csv', 3000, (i) => i % 2 === 0);
    const { project, store, engine } = await setup('half-bad.csv', '    errorThreshold: { maxErrors: 250 }');
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    expect(run.error?.code).toBe('ERROR_THRESHOLD');
    expect(run.error?.message).toMatch(
      /^flow orders: 350 of 700 records failed \(50%\), more than maxErrors 250; most often DATA_QUALITY/,
    );
    expect(run.error?.hint).toContain('errorThreshold: { maxErrors: 2500 }');
    expect(run.counts.written).toBe(350); // page 6 crossed it, page 7 was in flight: the good half of 700 written

    const loose = await engine.run(project, 'orders', {
      trigger: 'cli',
      fromStart: true,
      errorThreshold: { maxErrors: 10_000 },
    });
    expect(loose.status).toBe('completed_with_errors');
    expect(loose.counts).toMatchObject({ read: 3000, written: 1500, failed: 1500 });
    await store.close();
  });

  it('half the records failing is not "nearly all": the run completes with errors by default', async () => {
    writeOrders('some-bad.csv', 3000, (i) => i % 2 === 0 || i % 7 === 0);
    const { project, store, engine } = await setup('some-bad.csv');
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.read).toBe(3000);
    const db = new Database(join(dir, 'out.db'), { readonly: true });
    const row = db.prepare('select count(*) as n from "some-bad"').get() as { n: number };
    db.close();
    expect(row.n).toBe(run.counts.written);
    await store.close();
  });

  it('a few bad records never stop a run, however small', async () => {
    writeOrders('few-bad.csv', 500, (i) => i <= 3);
    const { project, store, engine } = await setup(
      'few-bad.csv',
      '    errorThreshold: { maxErrorRate: 0.5, minRecords: 100 }',
    );
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts).toMatchObject({ read: 500, written: 497, failed: 3 });
    await store.close();
  });
});
