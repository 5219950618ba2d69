import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createTestSchema, testServerUrl } from '../../src/connectors/postgres/test-helpers.js';
import { createEngine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/index.js';
import { autoRetry } from '../helpers/pipeline.js';
import { requireServer } from '../helpers/servers.js';
import { startTcpProxy } from '../helpers/tcp-proxy.js';
import { tempContext } from '../helpers/temp-context.js';
import { writeSourceCsv } from './outage-helpers.js';

/**
 * Hub-and-spoke, a spoke down from the start: the PostgreSQL spoke points at a port where nothing
 * listens (connection refused) when the run starts. The run must not fail: the SQLite spoke gets
 * every record, the PostgreSQL spoke's records are transient error records of that spoke, and once a
 * server answers at that port they are delivered there by the automatic retry, each once.
 */
const RECORDS = 40;
const server = new URL(testServerUrl);
const pgPort = Number(server.port || 5432);
const reachable = await requireServer('PostgreSQL', server.hostname, pgPort);
const { dir } = tempContext('syncline-hub-unreachable-');

const flowYaml = (url: string, schema: string) => `
connections:
  files: { type: file, dir: . }
  crm: { type: postgres, url: ${JSON.stringify(url)}, connectTimeout: 2s, breaker: { enabled: false } }
  warehouse: { type: sqlite, path: warehouse.db }
flows:
  orders:
    retry: { maxAttempts: 2, backoff: fixed, base: 10ms }
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: 10 }
    destinations:
      - { name: crm, connection: crm, type: postgres.table, schema: ${schema}, table: items, operation: upsert, key: [id] }
      - { name: warehouse, connection: warehouse, type: sqlite.table, table: orders, createTable: true }
`;

describe.skipIf(!reachable)('hub-and-spoke: a PostgreSQL spoke refusing connections when the run starts', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it('isolates it from the first page; once it is reachable, the automatic retry delivers its records there', async () => {
    const schema = await createTestSchema('hub_unreachable');
    cleanup.push(() => schema.drop());
    await schema.sql('create table items (id integer primary key, name text, n integer)');
    // a port where nothing listens: taken, then released
    const gone = await startTcpProxy(server.hostname, pgPort);
    const port = gone.port;
    await gone.close();
    const url = new URL(schema.url);
    url.host = `127.0.0.1:${port}`;
    writeSourceCsv(dir, RECORDS);
    const project = parseProject(flowYaml(url.toString(), schema.name), join(dir, 'flow.yaml'), {
      connectors: builtinConnectors,
      steps: builtinSteps,
    });
    const store = await openStore(':memory:');
    cleanup.push(() => store.close());
    const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
    cleanup.push(() => engine.close());

    const run = await engine.run(project, 'orders', { trigger: 'cli' });
    expect(run.error).toBeNull();
    expect(run.status).toBe('completed_with_errors');
    expect(run.pages).toBe(4); // 40 records, 10 a page
    expect(run.counts.destinations.warehouse).toMatchObject({ out: RECORDS, failed: 0 });
    expect(run.counts.destinations.crm).toMatchObject({ out: 0, failed: RECORDS });
    const db = new Database(join(dir, 'warehouse.db'), { readonly: true });
    expect(db.prepare('select count(*) as n from orders').get()).toEqual({ n: RECORDS });
    db.close();
    const errors = await store.listErrors({ flow: 'orders', stage: { kind: 'destination', name: 'crm' }, limit: 1000 });
    expect(errors).toHaveLength(RECORDS);
    expect(errors.every((e) => e.kind === 'transient' && e.code === 'TRANSIENT_IO')).toBe(true);
    expect(errors[0]?.message).toMatch(
      /^flow orders\/destination crm: the destination is unavailable: .*flow\.yaml:4:3: connection "crm": cannot reach postgres /,
    );
    expect(errors[0]?.message).toContain('ECONNREFUSED');

    // the server is back at that port
    const back = await startTcpProxy(server.hostname, pgPort, port);
    cleanup.push(() => back.close());
    expect(await autoRetry(engine, project, 'orders', { maxAttempts: 5 })).toEqual({
      tried: RECORDS,
      delivered: RECORDS,
    });
    const rows = await schema.sql('select count(*)::int as n, count(distinct id)::int as ids from items');
    expect(rows.rows[0]).toEqual({ n: RECORDS, ids: RECORDS });
    const db2 = new Database(join(dir, 'warehouse.db'), { readonly: true });
    expect(db2.prepare('select count(*) as n from orders').get()).toEqual({ n: RECORDS }); // nothing twice
    db2.close();
  }, 60_000);
});
