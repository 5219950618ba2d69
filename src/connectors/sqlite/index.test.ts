import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import type { SqliteConnection } from './connection.js';
import { sqliteConnector } from './index.js';

const { dir: base, ctx } = tempContext('syncline-sqlite-');

describe('sqlite connector', () => {
  it('opens a path relative to the base folder with WAL, synchronous NORMAL, busy_timeout 5000 and extra pragmas', async () => {
    const conn = (await sqliteConnector.open(
      sqliteConnector.connection.parse({ path: 'db.sqlite', pragmas: { cache_size: -4000, foreign_keys: true } }),
      ctx,
    )) as SqliteConnection;
    expect(conn.file).toBe(join(base, 'db.sqlite'));
    expect(existsSync(conn.file)).toBe(true);
    const pragma = (p: string) => conn.db.pragma(p, { simple: true });
    expect([
      pragma('journal_mode'),
      pragma('synchronous'),
      pragma('busy_timeout'),
      pragma('cache_size'),
      pragma('foreign_keys'),
    ]).toEqual(['wal', 1, 5000, -4000, 1]);
    await expect(sqliteConnector.check(conn, ctx)).resolves.toBeUndefined();
    await sqliteConnector.close(conn);
    expect(conn.db.open).toBe(false);
  });

  it('rejects unsafe pragmas and a readonly database that does not exist', async () => {
    expect(() => sqliteConnector.connection.parse({ path: 'x.db', pragmas: { 'x; drop': 1 } })).toThrow();
    expect(() =>
      sqliteConnector.connection.parse({ path: 'x.db', pragmas: { journal_mode: 'wal; drop table t' } }),
    ).toThrow();
    await expect(
      Promise.resolve().then(() =>
        sqliteConnector.open(sqliteConnector.connection.parse({ path: 'none.db', readonly: true }), ctx),
      ),
    ).rejects.toMatchObject({ kind: 'config', message: expect.stringContaining('none.db') });
  });

  it('offers table and query sources and a table destination', () => {
    expect(sqliteConnector.sources?.map((s) => s.type)).toEqual(['table', 'query']);
    expect(sqliteConnector.destinations?.map((d) => d.type)).toEqual(['table']);
  });
});
