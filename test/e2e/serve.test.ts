import type { ChildProcess } from 'node:child_process';
import { createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startSyncline } from '../helpers/cli.js';

const SECRET = 'whsec_e2e';
const examples = fileURLToPath(new URL('../../examples', import.meta.url));

/** A webhook flow into SQLite; `size`/`maxWait` set the micro-batches. */
const flowFile = (size: number, maxWait: string) => `
connections:
  hooks:
    type: webhook
    auth: { type: hmac-sha256, secret: "\${env:HOOK_SECRET}" }
    eventIdHeader: X-Event-Id
  db: { type: sqlite, path: dest.db }
flows:
  orders:
    source: { connection: hooks, type: webhook.events, batch: { size: ${size}, maxWait: ${maxWait} } }
    steps:
      - map:
          id: { from: id }
          total: { from: total }
    destinations:
      - { connection: db, type: sqlite.table, table: orders, operation: upsert, key: [id], createTable: true }
`;

const dirs: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  // a failed assertion must not leave a server running
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function workDir(): { dir: string; env: Record<string, string> } {
  const dir = mkdtempSync(join(tmpdir(), 'syncline-serve-'));
  dirs.push(dir);
  return { dir, env: { SYNCLINE_DB: join(dir, 'state.db'), HOOK_SECRET: SECRET, SYNCLINE_LOG: 'warn' } };
}

/** Starts `syncline serve` on a free port; resolves with its base URL once it listens. */
async function serve(
  dir: string,
  file: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; url: string; token: string | undefined }> {
  const child = startSyncline(['serve', file, '--port', '0'], { cwd: dir, env });
  children.push(child);
  let out = '';
  let err = '';
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  // the API token is printed before the address, at the first start only
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1] as string);
    });
    child.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${out}${err}`)));
  });
  return { child, url, token: /API token .*: (syn_\S+)/.exec(out)?.[1] };
}

/** Posts one signed event; the HTTP status, or 0 when the server went away before answering. */
async function send(url: string, id: number): Promise<number> {
  const body = JSON.stringify({ id, total: id * 1.5 });
  const res = await fetch(`${url}/hooks/orders`, {
    method: 'POST',
    body,
    headers: {
      'content-type': 'application/json',
      'x-signature': createHmac('sha256', SECRET).update(body).digest('hex'),
      'x-event-id': `evt-${id}`,
    },
  }).catch(() => undefined);
  await res?.arrayBuffer().catch(() => undefined);
  return res?.status ?? 0;
}

/** Sends events first..last from `clients` concurrent clients; returns the statuses. */
async function sendAll(url: string, first: number, last: number, clients: number): Promise<number[]> {
  const statuses: number[] = [];
  let next = first;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next <= last) statuses.push(await send(url, next++));
    }),
  );
  return statuses;
}

function destination(dir: string): { rows: number; ids: number; total: number } {
  const file = join(dir, 'dest.db');
  if (!existsSync(file)) return { rows: 0, ids: 0, total: 0 };
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare('select count(*) as rows, count(distinct id) as ids, coalesce(sum(total), 0) as total from orders')
      .get() as {
      rows: number;
      ids: number;
      total: number;
    };
  } catch {
    return { rows: 0, ids: 0, total: 0 }; // the table is not created yet
  } finally {
    db.close();
  }
}

async function until(check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function runStatuses(dir: string): Record<string, number> {
  const db = new Database(join(dir, 'state.db'), { readonly: true });
  try {
    const rows = db
      .prepare("select status, count(*) as n from runs where trigger = 'webhook' group by status")
      .all() as {
      status: string;
      n: number;
    }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  } finally {
    db.close();
  }
}

const sumTotals = (first: number, last: number) => ((first + last) * (last - first + 1) * 1.5) / 2;

describe('syncline serve', () => {
  it('accepts signed events from 20 concurrent clients and delivers every one in micro-batches; SIGTERM stops cleanly', async () => {
    const { dir, env } = workDir();
    writeFileSync(join(dir, 'flow.yaml'), flowFile(50, '100ms'));
    const { child, url } = await serve(dir, 'flow.yaml', env);
    const statuses = await sendAll(url, 1, 400, 20);
    expect(statuses.filter((s) => s === 202)).toHaveLength(400);
    // a repeat of an accepted event id: acknowledged, not processed again
    expect(await send(url, 7)).toBe(200);
    // a 10 MB body is refused with 413 without reading it all, and the server goes on
    // (the server may answer and close while the client is still sending: then the client sees a reset;
    // the exact answer is asserted in src/server/create-server.test.ts)
    const huge = await fetch(`${url}/hooks/orders`, { method: 'POST', body: 'x'.repeat(10 * 1024 * 1024) }).catch(
      () => undefined,
    );
    if (huge) {
      expect(huge.status).toBe(413);
      expect(((await huge.json()) as { error: { code: string } }).error.code).toBe('WEBHOOK_TOO_LARGE');
    }
    expect(await send(url, 401)).toBe(202);
    await until(() => destination(dir).rows === 401);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    expect(destination(dir)).toEqual({ rows: 401, ids: 401, total: sumTotals(1, 401) });
    const runs = runStatuses(dir);
    expect(runs.running).toBeUndefined();
    expect(runs.succeeded).toBeGreaterThan(0);
  });

  it('loses nothing it acknowledged: killed before processing, killed mid-processing, each time resumed on restart', async () => {
    const { dir, env } = workDir();
    // 1. events wait for a batch that never fills: acknowledged, persisted, not yet processed; then SIGKILL
    writeFileSync(join(dir, 'slow.yaml'), flowFile(10_000, '1h'));
    const first = await serve(dir, 'slow.yaml', env);
    expect((await sendAll(first.url, 1, 300, 10)).every((s) => s === 202)).toBe(true);
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(destination(dir).rows).toBe(0);

    // 2. restart with small batches: the 300 waiting events are handled at start; more arrive; SIGKILL mid-way
    writeFileSync(join(dir, 'flow.yaml'), flowFile(20, '50ms'));
    const second = await serve(dir, 'flow.yaml', env);
    expect(first.token).toMatch(/^syn_/);
    expect(second.token).toBeUndefined(); // the API token is shown once, at the first start
    await until(() => destination(dir).rows === 300);
    const sending = sendAll(second.url, 301, 3000, 20);
    await until(() => destination(dir).rows > 300 + Math.floor(Math.random() * 1500));
    second.child.kill('SIGKILL');
    const statuses = await sending;
    await exited(second.child);
    const acknowledged = statuses.filter((s) => s === 202).length;
    expect(acknowledged).toBeGreaterThan(0);

    // 3. restart: everything acknowledged arrives, exactly once
    const third = await serve(dir, 'flow.yaml', env);
    await until(() => destination(dir).rows >= 300 + acknowledged);
    third.child.kill('SIGTERM');
    expect(await exited(third.child)).toBe(0);
    const d = destination(dir);
    expect(d.rows).toBe(d.ids);
    expect(d.rows).toBeGreaterThanOrEqual(300 + acknowledged);
    expect(runStatuses(dir).running).toBeUndefined();
  }, 60_000);

  it('runs the documented Shopify example: base64 HMAC in X-Shopify-Hmac-Sha256, deduped by X-Shopify-Webhook-Id', async () => {
    const { dir, env } = workDir();
    writeFileSync(join(dir, 'shop.yaml'), readFileSync(join(examples, 'shop-webhooks.yaml'), 'utf8'));
    const { child, url } = await serve(dir, 'shop.yaml', { ...env, SYNCLINE_SECRET_SHOP_WEBHOOK_SECRET: 'shpss_e2e' });
    const order = JSON.stringify({ name: '#1001', email: 'Ada@Example.com', total_price: '42.50' });
    const post = (signature: string, id: string) =>
      fetch(`${url}/hooks/shop-orders`, {
        method: 'POST',
        body: order,
        headers: { 'content-type': 'application/json', 'x-shopify-hmac-sha256': signature, 'x-shopify-webhook-id': id },
      });
    const good = createHmac('sha256', 'shpss_e2e').update(order).digest('base64');
    expect((await post(good, 'w-1')).status).toBe(202);
    expect((await post(good, 'w-1')).status).toBe(200);
    const bad = await post(createHmac('sha256', 'wrong').update(order).digest('base64'), 'w-2');
    expect(bad.status).toBe(401);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('x-shopify-hmac-sha256');
    const erp = join(dir, 'erp.db');
    await until(() => {
      if (!existsSync(erp)) return false;
      const db = new Database(erp, { readonly: true });
      try {
        return (db.prepare('select count(*) as n from orders').get() as { n: number }).n === 1;
      } catch {
        return false;
      } finally {
        db.close();
      }
    });
    const db = new Database(erp, { readonly: true });
    expect(db.prepare('select order_no, email, total from orders').all()).toEqual([
      { order_no: '#1001', email: 'ada@example.com', total: 42.5 },
    ]);
    db.close();
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
  });

  it('runs cron schedules and manual triggers; a start while the flow runs is skipped and recorded', async () => {
    const { dir, env } = workDir();
    const lines = ['id,n'];
    for (let i = 1; i <= 150_000; i++) lines.push(`${i},${i % 7}`);
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    writeFileSync(join(dir, 'small.csv'), 'id,n\n1,1\n2,2\n');
    writeFileSync(
      join(dir, 'flow.yaml'),
      `connections:
  files: { type: file, dir: . }
  db: { type: sqlite, path: d.db }
flows:
  tick:
    schedule: "*/1 * * * * *"
    timezone: Europe/Berlin
    source: { connection: files, type: file.csv, path: small.csv }
    destinations:
      - { connection: db, type: sqlite.table, table: small, operation: upsert, key: [id], createTable: true }
  load:
    source: { connection: files, type: file.csv, path: big.csv, pageSize: 500 }
    destinations:
      - { connection: db, type: sqlite.table, table: big, operation: upsert, key: [id], createTable: true }
`,
    );
    const { child, url, token } = await serve(dir, 'flow.yaml', env);
    expect(token).toMatch(/^syn_/);
    const auth = { authorization: `Bearer ${token}` };
    expect((await fetch(`${url}/flows/load/runs`, { method: 'POST' })).status).toBe(401);
    const listed = (await (await fetch(`${url}/flows`, { headers: auth })).json()) as {
      flows: { flow: string; nextRun: string | null }[];
    };
    expect(listed.flows.map((f) => f.flow)).toEqual(['tick', 'load']);
    expect(listed.flows[0]?.nextRun).not.toBeNull();
    expect(listed.flows[1]?.nextRun).toBeNull();
    const first = await fetch(`${url}/flows/load/runs`, { method: 'POST', headers: auth });
    expect(first.status).toBe(202);
    expect(await first.json()).toEqual({ flow: 'load', outcome: 'started' });
    const second = await fetch(`${url}/flows/load/runs`, { method: 'POST', headers: auth });
    expect(second.status).toBe(409);
    expect(await second.json()).toEqual({ flow: 'load', outcome: 'skipped' });
    expect((await fetch(`${url}/flows/nope/runs`, { method: 'POST', headers: auth })).status).toBe(404);
    const runs = () => {
      const db = new Database(join(dir, 'state.db'), { readonly: true });
      try {
        return db.prepare('select flow, status, trigger, error from runs order by id').all() as {
          flow: string;
          status: string;
          trigger: string;
          error: string | null;
        }[];
      } finally {
        db.close();
      }
    };
    await until(() => runs().filter((r) => r.flow === 'tick' && r.status === 'succeeded').length >= 2, 10_000);
    await until(() => runs().some((r) => r.flow === 'load' && r.status === 'succeeded'), 30_000);
    child.kill('SIGTERM');
    expect(await exited(child)).toBe(0);
    const all = runs();
    expect(all.filter((r) => r.flow === 'tick').every((r) => r.trigger === 'schedule')).toBe(true);
    const load = all.filter((r) => r.flow === 'load');
    expect(load.map((r) => `${r.status}/${r.trigger}`).sort()).toEqual(['skipped/manual', 'succeeded/manual']);
    const skipped = load.find((r) => r.status === 'skipped');
    expect(JSON.parse(skipped?.error ?? '{}')).toMatchObject({ code: 'RUN_SKIPPED' });
  }, 60_000);
});
