import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { syncline } from '../helpers/cli.js';

const examples = fileURLToPath(new URL('../../examples', import.meta.url));
let dir = '';

function copyExample(): void {
  dir = mkdtempSync(join(tmpdir(), 'syncline-hub-'));
  cpSync(join(examples, 'hub-and-spoke.yaml'), join(dir, 'hub-and-spoke.yaml'));
  cpSync(join(examples, 'data'), join(dir, 'data'), { recursive: true });
  mkdirSync(join(dir, 'hub-output'));
}

function run(...args: string[]) {
  return syncline(['--db', join(dir, 'state.db'), ...args], { cwd: dir });
}

afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** The orders of examples/data/hub-orders.csv that are not voided, as the map step writes them. */
const expected = [
  { order_no: 'SO-5001', email: 'ada@example.com', state: 'approved', country: 'GB', sku: 'LAMP-01', quantity: 2 },
  { order_no: 'SO-5002', email: 'grace@example.com', state: 'approved', country: 'US', sku: 'DESK-02', quantity: 1 },
  { order_no: 'SO-5004', email: 'konrad@example.com', state: 'approved', country: 'DE', sku: 'LAMP-01', quantity: 1 },
  { order_no: 'SO-5005', email: 'margaret@example.com', state: 'draft', country: 'US', sku: 'SHELF-04', quantity: 3 },
  { order_no: 'SO-5006', email: 'tim@example.com', state: 'approved', country: 'GB', sku: 'DESK-02', quantity: 2 },
  { order_no: 'SO-5007', email: 'hedy@example.com', state: 'approved', country: 'AT', sku: 'CHAIR-03', quantity: 1 },
  {
    order_no: 'SO-5008',
    email: 'barbara@example.com',
    state: 'fulfilled',
    country: 'US',
    sku: 'LAMP-01',
    quantity: 5,
  },
  { order_no: 'SO-5009', email: 'edsger@example.com', state: 'approved', country: 'NL', sku: 'SHELF-04', quantity: 2 },
  { order_no: 'SO-5011', email: 'john@example.com', state: 'approved', country: 'DE', sku: 'CHAIR-03', quantity: 2 },
  { order_no: 'SO-5012', email: 'radia@example.com', state: 'approved', country: 'US', sku: 'LAMP-01', quantity: 3 },
];

describe('examples/hub-and-spoke.yaml', () => {
  it('maps the orders once and writes them to all three spokes', () => {
    copyExample();
    expect(run('validate', 'hub-and-spoke.yaml').status).toBe(0);
    const first = run('run', 'hub-and-spoke.yaml');
    expect(first.status, `${first.stdout}\n${first.stderr}`).toBe(0);
    expect(first.stdout).toContain('succeeded');
    // one map for three spokes; each spoke with its own counts
    expect(first.stdout).toMatch(/step map\s+10\s+10\s+0\s+0/);
    for (const spoke of ['erp', 'analytics', 'warehouse'])
      expect(first.stdout).toMatch(new RegExp(`destination ${spoke}\\s+10\\s+10\\s+0\\s+0`));

    // spoke 1, the ERP table
    const erp = new Database(join(dir, 'hub-output', 'hub-erp.db'), { readonly: true });
    const orders = erp
      .prepare(
        'select order_no, email, state, country, sku, quantity, total, currency from sales_orders order by order_no',
      )
      .all() as Record<string, unknown>[];
    erp.close();
    expect(orders.map(({ total: _t, currency: _c, ...rest }) => rest)).toEqual(expected);
    expect(orders[1]).toMatchObject({ total: 349, currency: 'USD' });

    // spoke 2, the analytics feed: the same mapped records
    const feed = readFileSync(join(dir, 'hub-output', 'orders.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(feed).toHaveLength(10);
    expect(
      feed.map(({ order_no, email, state, country, sku, quantity }) => ({
        order_no,
        email,
        state,
        country,
        sku,
        quantity,
      })),
    ).toEqual(expected);
    expect(feed[0]).toEqual({
      ...expected[0],
      total: 89.9,
      currency: 'GBP',
      ordered_at: '2026-11-20T09:12:00Z',
    });

    // spoke 3, the pick list: only its columns
    const pick = readFileSync(join(dir, 'hub-output', 'pick-list.csv'), 'utf8')
      .trim()
      .split('\n');
    expect(pick[0]).toBe('order_no,sku,quantity,country');
    expect(pick.slice(1)).toEqual(expected.map((o) => `${o.order_no},${o.sku},${o.quantity},${o.country}`));

    // a second run: the ERP upserts find every order up to date; the files are rewritten whole
    const second = run('run', 'hub-and-spoke.yaml');
    expect(second.status).toBe(0);
    expect(second.stdout).toMatch(/destination erp\s+10\s+0\s+10\s+0/);
    expect(
      readFileSync(join(dir, 'hub-output', 'orders.jsonl'), 'utf8')
        .trim()
        .split('\n'),
    ).toHaveLength(10);
  }, 60_000);
});
