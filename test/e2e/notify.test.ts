import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { exited, startSyncline, syncline } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'syncline-notify-'));
const received: { flow: string; count: number; codes: Record<string, number> }[] = [];
let server: Server | undefined;
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

async function hookServer(): Promise<string> {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      received.push(JSON.parse(body) as (typeof received)[number]);
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
}

describe('error notifications from a run', () => {
  it('sends one message at once and the rest in one digest when the run ends; nothing per record', async () => {
    const url = await hookServer();
    const lines = ['id,amount'];
    for (let i = 1; i <= 500; i++) lines.push(`${i},${i % 50 === 0 ? 'lots' : i}`);
    writeFileSync(join(dir, 'in.csv'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'flow.yaml'),
      `notify:
  interval: 10m
  webhook: { url: "${url}" }
connections:
  files: { type: file, dir: . }
  db: { type: sqlite, path: out.db }
flows:
  load:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, amount: number }, pageSize: 100 }
    destinations:
      - { connection: db, type: sqlite.table, table: t, operation: upsert, key: [id], createTable: true }
`,
    );
    // started without blocking: the hook server answers in this process
    const child = startSyncline(['run', 'flow.yaml'], { cwd: dir, env: { SYNCLINE_DB: join(dir, 'state.db') } });
    expect(await exited(child)).toBe(2);
    // 10 bad rows over 5 pages: the first page's errors go out at once, the rest in one digest at the end
    expect(received).toHaveLength(2);
    expect(received.every((m) => m.flow === 'load')).toBe(true);
    expect(received.reduce((n, m) => n + m.count, 0)).toBe(10);
    expect(received[1]?.codes).toEqual({ RECORD_BAD_VALUE: received[1]?.count });
  });

  it('refuses a notify block without a channel before anything runs', () => {
    writeFileSync(join(dir, 'bad.yaml'), 'notify: { interval: 5m }\nflows: {}\n');
    const r = syncline(['validate', 'bad.yaml'], { cwd: dir, env: { SYNCLINE_DB: join(dir, 'state.db') } });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('notify needs at least one channel');
    expect(r.stderr).toMatch(/bad\.yaml:1:\d+/);
  });
});
