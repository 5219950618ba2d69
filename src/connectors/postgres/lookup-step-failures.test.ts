import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { startTcpProxy } from '../../../test/helpers/tcp-proxy.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { builtinConnectors, builtinSteps } from '../../cli/builtins.js';
import { parseProject } from '../../config/index.js';
import { createEngine } from '../../engine/index.js';
import { createRecord, type FlowError } from '../../sdk/index.js';
import { openStore } from '../../store/index.js';
import { closePostgresConnection, openPostgresConnection, postgresConnectionConfig } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const { dir, ctx } = tempContext('syncline-pg-lookup-fail-');
const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));
const page = [createRecord({ email: 'a@x' }, { id: 'r1' })];
const config = (table: string, extra: Record<string, unknown> = {}) =>
  lookupStep.config.parse({ connection: 'erp', table, match: { email: 'email' }, fields: { id: 'id' }, ...extra });

describe.skipIf(!up)('postgres.lookup when the server is slow or down', () => {
  let db: TestSchema;
  beforeAll(async () => {
    db = await createTestSchema('lookupfail');
    await db.sql(`
      create table customers (id int primary key, email text unique);
      insert into customers values (1, 'a@x');
      create view slow_customers as select c.* from customers c, pg_sleep(0.6);
    `);
  });
  afterAll(() => db.drop());

  it('a query longer than `timeout` fails the page with a transient TIMEOUT naming the step and the connection', async () => {
    const connection = await db.open();
    try {
      const p = await lookupStep.create(
        { config: config('slow_customers', { timeout: '100ms' }), where: 'flow f/step lookup', connection },
        ctx,
      );
      const started = Date.now();
      const error = (await Promise.resolve(p.process(page, ctx)).catch((e: unknown) => e)) as FlowError;
      expect(Date.now() - started).toBeLessThan(500);
      expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'transient', where: 'flow f/step lookup' });
      expect(error.message).toBe(
        `lookup in connection "erp" (${connection.target}) took longer than 100ms (timeout) for 1 key`,
      );
    } finally {
      await closePostgresConnection(connection);
    }
  });

  it('a server that goes down mid-run fails the page with a transient error naming the connection and the address', async () => {
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 5432));
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const connection = await openPostgresConnection(
      postgresConnectionConfig.parse({ url: url.toString(), connectTimeout: '2s' }),
    );
    try {
      const p = await lookupStep.create({ config: config('customers'), where: 'flow f/step lookup', connection }, ctx);
      expect((await p.process(page, ctx)).records[0]?.data.id).toBe(1);
      await proxy.close();
      const error = (await Promise.resolve(p.process(page, ctx)).catch((e: unknown) => e)) as FlowError;
      expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient', where: 'flow f/step lookup' });
      expect(error.message).toMatch(/^lookup in connection "erp" failed: /);
      expect(error.message).toContain(`127.0.0.1:${proxy.port}`);
    } finally {
      await closePostgresConnection(connection);
    }
  });

  it('a closed port (127.0.0.1:1) fails the run before any record, naming the connection and the address', async () => {
    const yaml = `connections:
  files: { type: file, dir: . }
  erp: { type: postgres, url: "postgres://postgres@127.0.0.1:1/test", connectTimeout: 1s }
flows:
  enrich:
    source: { connection: files, type: file.jsonl, path: in.jsonl }
    retry: { maxAttempts: 1 }
    steps:
      - postgres.lookup: { connection: erp, table: customers, match: { email: email }, fields: { id: id } }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl }
`;
    const project = parseProject(yaml, join(dir, 'flow.yaml'), { connectors: builtinConnectors, steps: builtinSteps });
    const store = await openStore(':memory:');
    try {
      const run = await createEngine({ connectors: builtinConnectors, steps: builtinSteps, store }).run(
        project,
        'enrich',
        { trigger: 'cli' },
      );
      expect(run.status).toBe('failed');
      expect(run.error?.code).toBe('TRANSIENT_IO');
      expect(run.error?.message).toContain('127.0.0.1:1');
      expect(run.counts.read).toBe(0);
    } finally {
      await store.close();
    }
  });
});
