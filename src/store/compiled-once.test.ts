import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { executeCompiledOnce } from './compiled-once.js';
import { openSqlite } from './open-sqlite.js';
import type { StoreDb } from './run-queries.js';

describe('executeCompiledOnce', () => {
  let db: StoreDb;
  beforeEach(async () => {
    db = openSqlite(':memory:');
    await sql`create table t (a text, b integer)`.execute(db);
  });
  afterEach(() => db.destroy());

  const insert = (rows: { a: string; b: number }[]) => () =>
    (db as unknown as StoreDb).withTables<{ t: { a: string; b: number } }>().insertInto('t').values(rows).compile();
  const rowsOf = async () => (await sql<{ a: string; b: number }>`select a, b from t order by b`.execute(db)).rows;

  it('compiles a shape once and binds the parameters of later calls to its text', async () => {
    let compiled = 0;
    const run = async (rows: { a: string; b: number }[]) =>
      executeCompiledOnce(
        db,
        'sqlite',
        `test-once:${rows.length}`,
        rows.flatMap((r) => [r.a, r.b]),
        () => {
          compiled++;
          return insert(rows)();
        },
      );
    await run([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
    await run([
      { a: 'z', b: 3 },
      { a: 'w', b: 4 },
    ]);
    expect(compiled).toBe(1);
    expect(await rowsOf()).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
      { a: 'z', b: 3 },
      { a: 'w', b: 4 },
    ]);
  });

  it('keeps no text whose parameters are not the ones given: Kysely runs each time', async () => {
    let compiled = 0;
    const run = async (rows: { a: string; b: number }[]) =>
      executeCompiledOnce(
        db,
        'sqlite',
        `test-mismatch:${rows.length}`,
        rows.flatMap((r) => [r.b, r.a]), // not Kysely's order
        () => {
          compiled++;
          return insert(rows)();
        },
      );
    await run([{ a: 'x', b: 1 }]);
    await run([{ a: 'y', b: 2 }]);
    expect(compiled).toBe(2);
    expect(await rowsOf()).toEqual([
      { a: 'x', b: 1 },
      { a: 'y', b: 2 },
    ]);
  });
});
