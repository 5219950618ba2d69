import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createTestSchema, testServerUrl } from '../../src/connectors/postgres/test-helpers.js';
import { createEngine } from '../../src/engine/index.js';
import { startHttpServer, type TestHttpServer } from '../../src/observe/test-helpers.js';
import { stageText } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';
import { requireServer } from '../helpers/servers.js';
import { tempContext } from '../helpers/temp-context.js';
import { writeSourceCsv } from './outage-helpers.js';

/**
 * Issue 11 item 24: a run checks each connection once after opening it, so a connection that does not
 * work fails at the start naming the connection and what failed (not mid-page, record by record),
 * and a spoke whose check fails transiently is isolated like a spoke that cannot be opened.
 */
const RECORDS = 20;
const { dir } = tempContext('syncline-check-at-start-');
const server = new URL(testServerUrl);
const pgReachable = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));

const cleanup: (() => Promise<void> | void)[] = [];
afterAll(async () => {
  for (const undo of cleanup.reverse()) await undo();
});

async function runOf(yaml: string) {
  writeSourceCsv(dir, RECORDS);
  const project = parseProject(yaml, join(dir, 'flow.yaml'), { connectors: builtinConnectors, steps: builtinSteps });
  const store = await openStore(':memory:');
  const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
  try {
    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    const errors = await store.listErrors({ flow: 'orders', limit: 1000 });
    return { run, errors };
  } finally {
    await engine.close();
    await store.close();
  }
}

async function api(respond: TestHttpServer['respond']): Promise<TestHttpServer> {
  const started = await startHttpServer();
  cleanup.push(() => started.close());
  started.respond = respond;
  return started;
}

const source = `source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: 10 }`;

describe('connection check at the start of a run', () => {
  it('fails the run at its start when an http checkPath answers 401, naming the connection; no record is sent', async () => {
    const crm = await api((req, res) => {
      res.writeHead(req.url.endsWith('/me') ? 401 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    const { run, errors } = await runOf(`
connections:
  files: { type: file, dir: . }
  crm: { type: http, baseUrl: ${crm.url}, checkPath: /me, breaker: { enabled: false } }
flows:
  orders:
    ${source}
    destinations:
      - { name: crm, connection: crm, type: http.request, path: /items }
`);
    expect(run.status).toBe('failed');
    expect(run.error?.message).toMatch(/flow\.yaml:4:3: connection "crm" \(http\) check failed: .*401/);
    expect(run.error?.code).toBe('HTTP_AUTH');
    expect(crm.requests.map((r) => `${r.method} ${r.url}`)).toEqual(['GET /hooks/syncline/me']);
    expect(errors).toHaveLength(0);
  });

  it('checks nothing when checkPath is not set: an API that answers GET / with 404 still gets its records', async () => {
    const crm = await api((req, res) => {
      res.writeHead(req.method === 'POST' ? 200 : 404, { 'content-type': 'application/json' }).end('{}');
    });
    const { run } = await runOf(`
connections:
  files: { type: file, dir: . }
  crm: { type: http, baseUrl: ${crm.url} }
flows:
  orders:
    ${source}
    destinations:
      - { name: crm, connection: crm, type: http.request, path: /items }
`);
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(crm.requests.every((r) => r.method === 'POST')).toBe(true);
    expect(crm.requests).toHaveLength(RECORDS);
  });

  it('isolates a hub-and-spoke spoke whose check fails transiently (503), as when it cannot be opened', async () => {
    const crm = await api((req, res) => {
      res.writeHead(req.url.endsWith('/health') ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    const { run, errors } = await runOf(`
connections:
  files: { type: file, dir: . }
  crm: { type: http, baseUrl: ${crm.url}, checkPath: /health, breaker: { enabled: false } }
  warehouse: { type: sqlite, path: warehouse-isolate.db }
flows:
  orders:
    retry: { maxAttempts: 2, backoff: fixed, base: 10ms }
    ${source}
    destinations:
      - { name: crm, connection: crm, type: http.request, path: /items }
      - { name: warehouse, connection: warehouse, type: sqlite.table, table: orders, createTable: true }
`);
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.destinations.warehouse).toMatchObject({ out: RECORDS, failed: 0 });
    expect(run.counts.destinations.crm).toMatchObject({ out: 0, failed: RECORDS });
    const db = new Database(join(dir, 'warehouse-isolate.db'), { readonly: true });
    expect(db.prepare('select count(*) as n from orders').get()).toEqual({ n: RECORDS });
    db.close();
    expect(errors).toHaveLength(RECORDS);
    expect(errors.every((e) => e.kind === 'transient' && stageText(e.stage) === 'destination:crm')).toBe(true);
    expect(errors[0]?.message).toContain('connection "crm" (http) check failed');
    expect(crm.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it.skipIf(!pgReachable)(
    'fails at the start when a PostgreSQL destination names a database that does not exist',
    async () => {
      const schema = await createTestSchema('check_start');
      cleanup.push(() => schema.drop());
      const url = new URL(schema.url);
      url.pathname = '/syncline_no_such_database';
      const { run, errors } = await runOf(`
connections:
  files: { type: file, dir: . }
  erp: { type: postgres, url: ${JSON.stringify(url.toString())}, breaker: { enabled: false } }
flows:
  orders:
    ${source}
    destinations:
      - { name: erp, connection: erp, type: postgres.table, table: items, operation: upsert, key: [id] }
`);
      expect(run.status).toBe('failed');
      expect(run.error?.message).toMatch(/flow\.yaml:4:3: connection "erp"/);
      expect(run.error?.message).toContain('syncline_no_such_database');
      expect(errors).toHaveLength(0);
    },
  );
});
