import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { sensitiveForms } from '../../src/sdk/index.js';
import { exited, startSyncline, syncline } from '../helpers/cli.js';

/**
 * Issue 11 item 12: a secret in a connection's `headers:` and one URL-encoded in a query string,
 * echoed by the API in its error answers (raw, JSON-escaped, URL-encoded and base64), must not
 * reach the logs, the CLI's output, the store's runs and error tables or the notifications.
 */
const HEADER_KEY = 'hdr-S3cret"Value';
const QUERY_KEY = 'q/K3y+&=secret';
const forms = [...sensitiveForms(HEADER_KEY), ...sensitiveForms(QUERY_KEY)];
const leaks = (text: string) => forms.filter((f) => text.includes(f));

const dir = mkdtempSync(join(tmpdir(), 'syncline-secrets-'));
const notifications: string[] = [];
const echoed: string[] = [];
let server: Server | undefined;
afterAll(() => {
  server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** An API that refuses everything, echoing what it was sent (as careless APIs do), and a webhook receiver. */
async function echoServer(): Promise<string> {
  const api = createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => {
      body += d.toString();
    });
    req.on('end', () => {
      if (req.url === '/notify') {
        notifications.push(body);
        res.writeHead(204).end();
        return;
      }
      const key = String(req.headers['x-api-key'] ?? '');
      const echo = JSON.stringify({ url: req.url, key, b64: Buffer.from(key).toString('base64') });
      echoed.push(echo);
      res.writeHead(req.url?.startsWith('/list') ? 403 : 422, { 'content-type': 'application/json' }).end(echo);
    });
  });
  server = api;
  await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(api.address() as AddressInfo).port}`;
}

describe('secrets the API echoes', () => {
  it('never appear, in any form, in logs, CLI output, the store or notifications', async () => {
    const base = await echoServer();
    writeFileSync(join(dir, 'in.csv'), 'id,name\n1,one\n2,two\n');
    writeFileSync(
      join(dir, 'flow.yaml'),
      `notify:
  interval: 1h
  webhook: { url: "${base}/notify" }
connections:
  files: { type: file, dir: . }
  api:
    type: http
    baseUrl: ${base}
    headers: { X-Api-Key: "\${secret:HEADER_KEY}" }
flows:
  push:
    source: { connection: files, type: file.csv, path: in.csv }
    destinations:
      - { connection: api, type: http.request, path: /items, query: { key: "\${secret:QUERY_KEY}" } }
  pull:
    source: { connection: api, type: http.request, path: /list, query: { key: "\${secret:QUERY_KEY}" } }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl }
`,
    );
    const env = {
      SYNCLINE_DB: join(dir, 'state.db'),
      SYNCLINE_LOG: 'debug',
      SYNCLINE_SECRET_HEADER_KEY: HEADER_KEY,
      SYNCLINE_SECRET_QUERY_KEY: QUERY_KEY,
    };
    // started without blocking: the API answers from this process
    const child = startSyncline(['run', 'flow.yaml'], { cwd: dir, env });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    expect(await exited(child)).toBe(1); // push completes with errors, pull fails
    // the API did echo both secrets, so there was something to leak
    expect(echoed.join('\n')).toContain(encodeURIComponent(QUERY_KEY));
    expect(echoed.join('\n')).toContain(JSON.stringify(HEADER_KEY).slice(1, -1));

    const list = syncline(['errors', 'list', '--json'], { cwd: dir, env });
    const status = syncline(['status', '--json'], { cwd: dir, env });
    expect(JSON.parse(list.stdout)).toHaveLength(2);

    const db = new Database(join(dir, 'state.db'), { readonly: true });
    const tables = ['runs', 'error_records', 'error_events'].map((t) =>
      JSON.stringify(db.prepare(`select * from ${t}`).all()),
    );
    db.close();
    expect(tables[0]).toContain('HTTP_AUTH');

    expect(notifications.length).toBeGreaterThan(0);
    for (const text of [output, list.stdout, list.stderr, status.stdout, ...tables, ...notifications])
      expect(leaks(text)).toEqual([]);
  }, 120_000);
});
