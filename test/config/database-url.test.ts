import { describe, expect, it } from 'vitest';
import { connectionOptions, mysqlConnectionConfig } from '../../src/connectors/mysql/connection.js';
import { poolOptions, postgresConnectionConfig } from '../../src/connectors/postgres/connection.js';
import { databaseUrlProblem, parseDatabaseUrl } from '../../src/kit/sql/database-url.js';
import { describePostgresUrl } from '../../src/store/postgres-url.js';

/** Passwords with characters a URL reserves, written into the URL without percent-encoding. */
const unencoded = [
  ['/', 'postgres://app:s3cr/etPW@db.example:5432/shop', 's3cr'],
  ['# after digits', 'postgres://app:123#zzPW@db.example/shop', '123'],
  ['/ after digits', 'postgres://app:12/x9qPW@db.example/shop', 'x9q'],
  ['?', 'postgres://app:77?qqPW@db.example/shop', 'qqPW'],
  ['% not followed by hex', 'postgres://app:p%zzPW@db.example/shop', 'zzPW'],
];

describe('database URLs with an unencoded password', () => {
  it.each(unencoded)('%s: detected, and no part of the password is shown', (_, url, piece) => {
    const problem = databaseUrlProblem(url);
    expect(problem).toBeDefined();
    expect(problem).not.toContain(piece);
    let thrown: unknown;
    try {
      parseDatabaseUrl(url, 'postgres connection url');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toMatchObject({
      code: 'CONFIG_INVALID',
      hint: expect.stringMatching(/percent-encode.*password:/is),
    });
    expect(JSON.stringify(thrown)).not.toContain(piece);
  });

  it.each(unencoded)('%s: the postgres and mysql connection configs refuse it without echoing it', (_, url, piece) => {
    const pg = postgresConnectionConfig.safeParse({ url });
    expect(pg.success).toBe(false);
    expect(JSON.stringify(pg.error?.issues)).toMatch(/percent-encode/i);
    expect(JSON.stringify(pg.error?.issues)).not.toContain(piece);
    const my = mysqlConnectionConfig.safeParse({ url: url.replace('postgres:', 'mysql:') });
    expect(my.success).toBe(false);
    expect(JSON.stringify(my.error?.issues)).not.toContain(piece);
    // past the schema (a value resolved later): the connection options refuse it too
    expect(() => poolOptions({ ...postgresConnectionConfig.parse({ host: 'h' }), url })).toThrow(/percent-encoded/);
    expect(() =>
      connectionOptions({ ...mysqlConnectionConfig.parse({ host: 'h' }), url: url.replace('postgres:', 'mysql:') }),
    ).toThrow(/percent-encoded/);
    expect(JSON.stringify(describePostgresUrl(url))).not.toContain(piece);
  });

  it('reads good URLs, an @ in the password included (the last @ ends the user part)', () => {
    expect(parseDatabaseUrl('postgres://app:p@ss@127.0.0.1:5999/shop', 'w')).toMatchObject({
      host: '127.0.0.1',
      port: 5999,
      database: 'shop',
      user: 'app',
      password: 'p@ss',
    });
    expect(parseDatabaseUrl('mysql://app:a%2Fb%23c@[::1]/x?ssl=true', 'w')).toMatchObject({
      host: '::1',
      port: undefined,
      database: 'x',
      password: 'a/b#c',
    });
    expect(databaseUrlProblem('postgres://u@h/db?application_name=me@x')).toBeUndefined();
  });
});
