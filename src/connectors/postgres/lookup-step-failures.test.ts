import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeSqlLookupFailures } from '../../../test/conformance/sql-lookup-failures.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { builtinConnectors, builtinSteps } from '../../cli/builtins.js';
import { parseProject } from '../../config/index.js';
import { createEngine } from '../../engine/index.js';
import { openStore } from '../../store/index.js';
import {
  closePostgresConnection,
  openPostgresConnection,
  type PostgresConnection,
  postgresConnectionConfig,
} from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const { dir } = tempContext('syncline-pg-lookup-fail-');
const server = new URL(testServerUrl);
const port = Number(server.port || 5432);
const up = await requireServer('PostgreSQL', server.hostname, port);
let db: TestSchema;

describeSqlLookupFailures<PostgresConnection>('postgres.lookup when the server is slow or down', {
  up,
  server: { hostname: server.hostname, port },
  async setup() {
    db = await createTestSchema('lookupfail');
    await db.sql(`
      create table customers (id int primary key, email text unique);
      insert into customers values (1, 'a@x');
      create view slow_customers as select c.* from customers c, pg_sleep(0.6);
    `);
    return db.url;
  },
  teardown: () => db.drop(),
  connect: (url) => openPostgresConnection(postgresConnectionConfig.parse({ url, connectTimeout: '2s' })),
  close: closePostgresConnection,
  target: (connection) => connection.target,
  of: lookupStep,
  downMessage: /127\.0\.0\.1:\d+/,
});

describe.skipIf(!up)('postgres.lookup when the server is not there', () => {
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
