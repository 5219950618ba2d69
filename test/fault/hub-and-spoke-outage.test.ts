import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { outcomeText, readBody, runCli, sleep, writeSourceCsv } from './outage-helpers.js';

/**
 * Hub-and-spoke under fault: one flow, transformed once, writes to an HTTP API (spoke `crm`) and a
 * SQLite table (spoke `warehouse`). The API answers 503 for the whole run: the warehouse still gets
 * every record, the run completes with the API's records as its error records, and once the API is
 * back `syncline errors retry --all --destination crm` delivers them there only — each record once,
 * and nothing twice at the warehouse.
 */
const RECORDS = 400;

interface Api {
  port: number;
  down: boolean;
  /** id → accepted deliveries. */
  readonly deliveries: Map<number, number>;
  /** id → the body accepted. */
  readonly bodies: Map<number, { id: number; name: string; n: number }>;
  refused: number;
  close(): Promise<void>;
}

async function startApi(): Promise<Api> {
  const api: Api = {
    port: 0,
    down: true,
    deliveries: new Map(),
    bodies: new Map(),
    refused: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      res.setHeader('content-type', 'application/json');
      if (api.down) {
        api.refused += 1;
        res.writeHead(503).end(JSON.stringify({ error: 'maintenance' }));
        return;
      }
      const records = JSON.parse(text) as { id: number; name: string; n: number }[];
      for (const r of records) {
        api.deliveries.set(r.id, (api.deliveries.get(r.id) ?? 0) + 1);
        api.bodies.set(r.id, r);
      }
      res.writeHead(201).end(JSON.stringify({ accepted: records.length }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  api.port = (server.address() as AddressInfo).port;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}

const flowYaml = (port: number) => `
connections:
  files: { type: file, dir: . }
  api:
    type: http
    baseUrl: http://127.0.0.1:${port}
    timeoutMs: 5000
    breaker: { failures: 3, openFor: 1s }
  warehouse: { type: sqlite, path: warehouse.db }
flows:
  orders:
    retry: { maxAttempts: 2, backoff: fixed, base: 50ms }
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: 50 }
    steps:
      - map: { id: { from: id }, name: { from: name, transform: uppercase }, n: { from: n } }
    destinations:
      - { name: crm, connection: api, type: http.request, method: POST, path: /items, mode: batch, batch: { size: 25 } }
      - { name: warehouse, connection: warehouse, type: sqlite.table, table: orders, createTable: true }
`;

interface Listed {
  id: number;
  recordId: string;
  stage: string;
  code: string;
  kind: string;
  status: string;
  message: string;
  payload: { id: number; name: string; n: number };
}

interface RunListed {
  id: number;
  status: string;
  counts: {
    read: number;
    written: number;
    failed: number;
    destinations: Record<string, { out: number; failed: number }>;
  };
}

describe('hub-and-spoke: the HTTP spoke answers 503, the SQLite spoke goes on', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it('isolates the API spoke, then `errors retry --destination crm` delivers its records there only', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-hub-outage-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const api = await startApi();
    cleanup.push(() => api.close());
    writeSourceCsv(dir, RECORDS);
    writeFileSync(join(dir, 'flow.yaml'), flowYaml(api.port));
    const cli = {
      cwd: dir,
      env: { SYNCLINE_DB: join(dir, 'state.db'), SYNCLINE_LOG: 'warn', SYNCLINE_LOG_FORMAT: 'json' },
    };
    const warehouse = () => {
      const db = new Database(join(dir, 'warehouse.db'), { readonly: true });
      try {
        return db.prepare('select id, name, n from orders order by rowid').all() as { id: number; name: string }[];
      } finally {
        db.close();
      }
    };

    // 1. The run: the API is down throughout; the warehouse gets every record, the run completes with errors.
    const run = await runCli(['run', 'flow.yaml', 'orders'], cli);
    expect(run.status, outcomeText(run)).toBe(2);
    expect(run.stdout).toContain('completed with errors');
    expect(run.stdout).toContain(
      'destination crm: 400 of 400 records failed; list them: syncline errors list --run 1 --destination crm',
    );
    const rows = warehouse();
    expect(rows).toHaveLength(RECORDS);
    expect(new Set(rows.map((r) => r.id)).size).toBe(RECORDS);
    expect(rows[9]).toEqual({ id: 10, name: 'NAME 10', n: 10 });
    // the breaker (failures: 3) opened within the first page: later batches never reached the API
    expect(api.refused).toBeGreaterThanOrEqual(3);
    expect(api.refused).toBeLessThanOrEqual(6);

    const runs = await runCli(['runs', '--json'], cli);
    const [first] = JSON.parse(runs.stdout) as RunListed[];
    expect(first?.status).toBe('completed_with_errors');
    expect(first?.counts).toMatchObject({ read: RECORDS, written: RECORDS, failed: RECORDS });
    expect(first?.counts.destinations.crm).toMatchObject({ out: 0, failed: RECORDS });
    expect(first?.counts.destinations.warehouse).toMatchObject({ out: RECORDS, failed: 0 });
    const table = await runCli(['runs'], cli);
    expect(table.stdout).toMatch(/completed with errors .*destinations: crm 400 failed/);

    // 2. The error store: the API spoke's records, transient, with the transformed payload.
    const listed = await runCli(['errors', 'list', '--json', '--limit', '1000', '--destination', 'crm'], cli);
    expect(listed.status, outcomeText(listed)).toBe(0);
    const errors = JSON.parse(listed.stdout) as Listed[];
    expect(errors).toHaveLength(RECORDS);
    expect(errors.every((e) => e.stage === 'destination:crm' && e.kind === 'transient')).toBe(true);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['TRANSIENT_IO', 'CIRCUIT_OPEN']));
    const e10 = errors.find((e) => e.payload.id === 10);
    expect(e10?.payload).toEqual({ id: 10, name: 'NAME 10', n: 10 });
    expect(e10?.message).toContain('flow orders/destination crm: the destination is unavailable');
    expect((await runCli(['errors', 'list', '--destination', 'warehouse'], cli)).stdout).toContain(
      'no error records match (destination=warehouse)',
    );
    const contradiction = await runCli(
      ['errors', 'list', '--destination', 'crm', '--stage', 'destination:warehouse'],
      cli,
    );
    expect(contradiction.status).toBe(1);
    expect(contradiction.stderr).toContain('--stage destination:warehouse and --destination crm contradict each other');

    // 3. The API is back: once the circuit half-opens, retry the API spoke's records there only.
    api.down = false;
    await sleep(1100);
    const warehouseBefore = warehouse().length;
    const retried = await runCli(['errors', 'retry', '--all', '--flow', 'orders', '--destination', 'crm'], cli);
    expect(retried.status, outcomeText(retried)).toBe(0);
    expect(retried.stdout).toContain(`${RECORDS} delivered, 0 failed again`);
    expect(api.deliveries.size).toBe(RECORDS);
    expect(Math.max(...api.deliveries.values())).toBe(1);
    expect(api.bodies.get(10)).toEqual({ id: 10, name: 'NAME 10', n: 10 });
    expect(warehouse()).toHaveLength(warehouseBefore); // nothing written twice at the healthy spoke
    const open = await runCli(['errors', 'list', '--destination', 'crm', '--status', 'open'], cli);
    expect(open.stdout).toContain('no error records match');
  }, 120_000);
});
