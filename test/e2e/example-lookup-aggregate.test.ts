import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
let dir: string;

afterEach(() => rmSync(dir, { recursive: true, force: true }));

function run(...args: string[]): string {
  const r = syncline(['--db', join(dir, 'state.db'), 'run', 'lookup-aggregate.yaml', ...args], { cwd: dir });
  if (r.status !== 0) throw new Error(`syncline run exited ${r.status}\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function report(): Record<string, unknown>[] {
  const db = new Database(join(dir, 'lookup-reports.db'), { readonly: true });
  try {
    return db
      .prepare('select region, segment, orders, revenue, order_nos from revenue_by_region order by region, segment')
      .all() as Record<string, unknown>[];
  } finally {
    db.close();
  }
}

describe('examples/lookup-aggregate.yaml', () => {
  it('enriches orders from SQLite and a CSV table, totals them per region and segment, and reuses the shared cache', () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-lookup-agg-'));
    cpSync(join(examples, 'lookup-aggregate.yaml'), join(dir, 'lookup-aggregate.yaml'));
    cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
    const first = run();
    // 7 orders (one voided), 6 distinct customers: one repeat answered from the cache, one unknown customer
    expect(first).toContain('step sqlite.lookup: hits 1, misses 6, lookupMs');
    expect(first).toContain('notFound 1');
    const expected = [
      { region: 'EU', segment: 'consumer', orders: 1, revenue: 45, order_nos: '["SO-1005"]' },
      { region: 'EU', segment: 'smb', orders: 2, revenue: 410.89, order_nos: '["SO-1004","SO-1006"]' },
      { region: 'NA', segment: 'enterprise', orders: 1, revenue: 75, order_nos: '["SO-1002"]' },
      { region: 'NA', segment: 'unknown', orders: 1, revenue: -5, order_nos: '["SO-1007"]' },
      { region: 'UK', segment: 'enterprise', orders: 2, revenue: 184.7, order_nos: '["SO-1001","SO-1008"]' },
    ];
    expect(report()).toEqual(expected);
    // the next run finds every answer in the store (scope: shared), asks SQLite nothing, and totals the same
    const second = run('revenue-by-region');
    expect(second).toMatch(/step sqlite\.lookup: hits 7, misses 0, lookupMs [\d.]+, notFound 1, storeHits 6/);
    expect(report()).toEqual(expected);
  }, 60_000);
});
