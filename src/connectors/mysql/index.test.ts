import { afterAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { connectionOptions, describeTarget, type MysqlConnection, mysqlConnectionConfig } from './connection.js';
import { mysqlConnector } from './index.js';
import { createTestDatabase, testServerUrl } from './test-helpers.js';

const { ctx } = tempContext('syncline-mysql-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));

const open = async (config: Record<string, unknown>) =>
  (await mysqlConnector.open(mysqlConnector.connection.parse(config), ctx)) as MysqlConnection;

describe('mysql connection config', () => {
  it('reads url parts, lets fields override them and never shows the password', () => {
    const options = connectionOptions(
      mysqlConnectionConfig.parse({ url: 'mysql://app:s%40cret@db.example:3307/shop', database: 'other' }),
    );
    expect(options).toMatchObject({
      host: 'db.example',
      port: 3307,
      user: 'app',
      password: 's@cret',
      database: 'other',
    });
    expect(options.connectionLimit).toBe(4);
    expect(describeTarget(options)).toBe('mysql app@db.example:3307/other');
    expect(connectionOptions(mysqlConnectionConfig.parse({ host: 'h', ssl: true, pool: { max: 9 } }))).toMatchObject({
      host: 'h',
      port: 3306,
      ssl: {},
      connectionLimit: 9,
    });
  });

  it('needs url or host and refuses unknown keys', () => {
    expect(() => mysqlConnectionConfig.parse({})).toThrow(/url/);
    expect(() => mysqlConnectionConfig.parse({ url: 'postgres://x' })).toThrow(/mysql:\/\//);
    expect(() => mysqlConnectionConfig.parse({ host: 'h', passwd: 'x' })).toThrow();
  });
});

describe.skipIf(!up)('mysql connection (MariaDB)', () => {
  const conns: MysqlConnection[] = [];
  afterAll(async () => {
    for (const c of conns) await mysqlConnector.close(c);
  });

  it('opens a pool in strict mode, UTC and utf8mb4, detects the server and passes check', async () => {
    const db = await createTestDatabase('conn');
    try {
      const c = await open({ url: db.url, pool: { max: 2 } });
      conns.push(c);
      await expect(mysqlConnector.check(c, ctx)).resolves.toBeUndefined();
      const [row] = await c.query<{ mode: string; tz: string; cs: string; db: string }[]>(
        'SELECT @@SESSION.sql_mode AS mode, @@SESSION.time_zone AS tz, @@character_set_client AS cs, DATABASE() AS db',
      );
      expect(row?.mode.split(',')).toContain('STRICT_ALL_TABLES');
      expect(row?.mode.split(',')).not.toContain('NO_BACKSLASH_ESCAPES');
      expect([row?.tz, row?.cs, row?.db]).toEqual(['+00:00', 'utf8mb4', db.name]);
      expect(c.server.mariadb).toBe(true);
      expect(c.server.rowAlias).toBe(false);
      expect(c.server.maxAllowedPacket).toBeGreaterThan(1 << 20);
      expect(c.target).toBe(`mysql ${server.username || 'root'}@${server.hostname}:${server.port || 3306}/${db.name}`);
    } finally {
      await db.drop();
    }
  });

  it('fails with a clear message naming the target for a wrong port', async () => {
    const error = await open({
      host: server.hostname,
      port: 1,
      user: 'root',
      database: 'test',
      connectTimeout: 2000,
    }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'TRANSIENT_IO',
      message: expect.stringContaining(`cannot reach mysql root@${server.hostname}:1/test`),
      hint: expect.stringContaining('host and port'),
    });
  });

  it('fails with CONNECTION_FAILED for a wrong password, without showing it', async () => {
    const url = new URL(testServerUrl);
    url.password = 'wrong-Secret-123';
    const error = await open({ url: url.toString() }).catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'CONNECTION_FAILED',
      kind: 'config',
      message: expect.stringMatching(/mysql .*:\d+\/.*Access denied/),
      hint: expect.stringContaining('password'),
    });
    expect(JSON.stringify(error)).not.toContain('wrong-Secret-123');
    expect((error as Error).message).not.toContain('wrong-Secret-123');
  });

  it('fails with CONNECTION_FAILED for an unknown database', async () => {
    const url = new URL(testServerUrl);
    url.pathname = '/syncline_no_such_db';
    await expect(open({ url: url.toString() })).rejects.toMatchObject({
      code: 'CONNECTION_FAILED',
      message: expect.stringContaining("Unknown database 'syncline_no_such_db'"),
    });
  });

  it('offers table and query sources, a table destination and a lookup step', () => {
    expect(mysqlConnector.sources?.map((s) => s.type)).toEqual(['table', 'query']);
    expect(mysqlConnector.destinations?.map((d) => d.type)).toEqual(['table']);
    expect(mysqlConnector.steps?.map((s) => s.type)).toEqual(['lookup']);
  });
});
