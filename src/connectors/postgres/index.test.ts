import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import {
  closePostgresConnection,
  describeTarget,
  openPostgresConnection,
  type PostgresConnection,
  poolOptions,
  postgresConnectionConfig,
} from './connection.js';
import { postgresConnector } from './index.js';
import { testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-pg-conn-');
const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));
const parse = (c: Record<string, unknown>) => postgresConnectionConfig.parse(c);

describe('postgres connection config', () => {
  it('reads url and fields (fields win), masks the password in the target', () => {
    const o = poolOptions(parse({ url: 'postgres://u%40x:p%3Ass@db.example:6543/shop?sslmode=require', port: 7000 }));
    expect(o).toMatchObject({
      host: 'db.example',
      port: 7000,
      user: 'u@x',
      password: 'p:ss',
      database: 'shop',
      max: 4,
    });
    expect(o.ssl).toEqual({ rejectUnauthorized: false });
    expect(describeTarget(o)).toBe('postgres u@x:***@db.example:7000/shop');
    const f = poolOptions(
      parse({ host: 'h', database: 'd', user: 'u', ssl: { ca: 'PEM' }, pool: { max: 9 }, statementTimeout: '30s' }),
    );
    expect(f).toMatchObject({ host: 'h', port: 5432, max: 9, statement_timeout: 30_000 });
    expect(f.ssl).toEqual({ ca: 'PEM', rejectUnauthorized: true });
    expect(() => parse({ database: 'x' })).toThrow(/give url/);
    expect(() => parse({ url: 'mysql://x' })).toThrow(/postgres:\/\//);
  });

  it('offers table and query sources, a table destination and a lookup step', () => {
    expect(postgresConnector.name).toBe('postgres');
    expect(postgresConnector.sources?.map((s) => s.type)).toEqual(['table', 'query']);
    expect(postgresConnector.destinations?.map((d) => d.type)).toEqual(['table']);
    expect(postgresConnector.steps?.map((s) => s.type)).toEqual(['lookup']);
  });
});

describe.skipIf(!up)('postgres connection (server)', () => {
  let connection: PostgresConnection;
  beforeAll(async () => {
    connection = (await postgresConnector.open(parse({ url: testServerUrl }), ctx)) as PostgresConnection;
  });
  afterAll(() => closePostgresConnection(connection));

  it('opens a pool in UTC and checks it with select 1', async () => {
    await expect(postgresConnector.check(connection, ctx)).resolves.toBeUndefined();
    expect((await connection.query('show timezone')).rows).toEqual([['UTC']]);
  });

  it('a wrong port is a transient error naming host:port/database with a hint', async () => {
    const error = await openPostgresConnection(parse({ url: testServerUrl, port: 1, password: 'secret' })).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient' });
    expect((error as Error).message).toContain(`:***@${server.hostname}:1/`);
    expect((error as Error).message).not.toContain('secret');
    expect((error as { hint: string }).hint).toMatch(/port/);
  });

  it('a database that does not exist is CONNECTION_FAILED naming it', async () => {
    await expect(openPostgresConnection(parse({ url: testServerUrl, database: 'no_such_db_x' }))).rejects.toMatchObject(
      {
        code: 'CONNECTION_FAILED',
        kind: 'config',
        message: expect.stringMatching(/no_such_db_x.*does not exist/),
        hint: expect.stringContaining('database'),
      },
    );
  });

  it('a role that does not exist is CONNECTION_FAILED with a credentials hint', async () => {
    await expect(openPostgresConnection(parse({ url: testServerUrl, user: 'no_such_role_x' }))).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      hint: expect.stringContaining('user and password'),
    });
  });

  it('a statement that runs longer than statementTimeout is canceled as transient', async () => {
    const c = await openPostgresConnection(parse({ url: testServerUrl, statementTimeout: 50 }));
    await expect(c.query('select pg_sleep(1)')).rejects.toMatchObject({ code: 'TRANSIENT_IO' });
    await closePostgresConnection(c);
  });
});
