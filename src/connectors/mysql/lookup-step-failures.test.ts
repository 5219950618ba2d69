import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { startTcpProxy } from '../../../test/helpers/tcp-proxy.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { createRecord, type FlowError } from '../../sdk/index.js';
import { closeMysqlConnection, mysqlConnectionConfig, openMysqlConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-mysql-lookup-fail-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));
const page = [createRecord({ email: 'a@x' }, { id: 'r1' })];
const config = (table: string, extra: Record<string, unknown> = {}) =>
  lookupStep.config.parse({ connection: 'erp', table, match: { email: 'email' }, fields: { id: 'id' }, ...extra });

describe.skipIf(!up)('mysql.lookup when the server is slow or down', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('lookupfail');
    await db.sql(`
      create table customers (id int primary key, email varchar(50) unique);
      insert into customers values (1, 'a@x');
      create view slow_customers as select * from customers where sleep(0.6) = 0;
    `);
  });
  afterAll(() => db.drop());

  it('a query longer than `timeout` fails the page with a transient TIMEOUT naming the step and the connection', async () => {
    const connection = await openMysqlConnection(mysqlConnectionConfig.parse({ url: db.url }));
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
      await new Promise((resolve) => setTimeout(resolve, 700)); // the statement ends on the server
    } finally {
      await closeMysqlConnection(connection);
    }
  });

  it('a server that goes down mid-run fails the page with a transient error naming the connection and the address', async () => {
    const proxy = await startTcpProxy(server.hostname, Number(server.port || 3306));
    const url = new URL(db.url);
    url.hostname = '127.0.0.1';
    url.port = String(proxy.port);
    const connection = await openMysqlConnection(mysqlConnectionConfig.parse({ url: url.toString() }));
    try {
      const p = await lookupStep.create({ config: config('customers'), where: 'flow f/step lookup', connection }, ctx);
      expect((await p.process(page, ctx)).records[0]?.data.id).toBe(1);
      await proxy.close();
      for (let attempt = 0; attempt < 2; attempt++) {
        const error = (await Promise.resolve(p.process(page, ctx)).catch((e: unknown) => e)) as FlowError;
        expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient', where: 'flow f/step lookup' });
        expect(error.message).toMatch(/^lookup in connection "erp" failed: mysql root@127\.0\.0\.1:\d+\//);
        expect(error.message).toContain(`127.0.0.1:${proxy.port}`);
      }
    } finally {
      await closeMysqlConnection(connection).catch(() => undefined);
    }
  });
});
