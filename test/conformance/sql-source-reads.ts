import { beforeAll, describe, expect, it } from 'vitest';
import type { Context, DataRecord, Json, Page, ReadArgs, Source } from '../../src/sdk/index.js';

/** Reads a source's every page with a config as written and the flow-level arguments (from, delta, once). */
export function sourceReads<K>(source: Source<unknown, K>, connection: () => K, ctx: Context) {
  const readWith = async (config: Record<string, unknown>, args: Partial<ReadArgs<unknown, K>> = {}) => {
    const pages: Page[] = [];
    for await (const page of source.read(
      { ...args, config: source.config.parse(config), connection: connection() },
      ctx,
    ))
      pages.push(page);
    return pages;
  };
  return {
    readWith,
    /** From a checkpoint and since a watermark, when given. */
    readAll: (config: Record<string, unknown>, from?: Json, since?: Json) =>
      readWith(config, { ...(from === undefined ? {} : { from }), ...(since === undefined ? {} : { since }) }),
    /** Export mode `once`: marks the records exported. */
    mark: (config: Record<string, unknown>, field: string, records: readonly DataRecord[]) =>
      (source.markExported as NonNullable<typeof source.markExported>)(
        { config: source.config.parse(config), connection: connection(), field },
        records,
        ctx,
      ),
  };
}

export const pageIds = (pages: readonly Page[]) => pages.flatMap((p) => p.records.map((r) => r.meta.id));
export const pageRecords = (pages: readonly Page[]) => pages.flatMap((p) => p.records);

/**
 * How one SQL connector's table source is set up for the shared delta and `once` tests: the same rows
 * in each database's own types, and how its messages quote names.
 */
export interface SqlDeltaOnceHarness<K> {
  readonly source: Source<unknown, K>;
  readonly ctx: Context;
  connection(): K;
  /** Runs a statement in the test database. */
  exec(sql: string): Promise<unknown>;
  /**
   * Creates `events (id primary key, name, changed timestamp, other timestamp, exported flag, …)` with rows
   * 1–5: changed 2026-03-01 10:00, 2026-03-01 12:00:00.25, 2026-03-02 07:30 (UTC), 2026-03-03, null; other
   * 2030 for rows 1–2 and 2020 for 3–4; exported null, false, true, false, false;
   * `sent` a 0/1 number column, 1 only in row 3. And the hostile table.
   */
  seed(): Promise<unknown>;
  /** An identifier as the connector's messages quote it (`events` / "events"). */
  quote(name: string): string;
  /** How row 3's `changed` comes back (the database's own precision). */
  readonly changedText: string;
  /** The hint of a missing flag column contains this (its ADD COLUMN statement). */
  readonly addFlagColumn: string;
  /** The table with hostile names: its flag column's name, the keys not yet exported, and the keys marked now. */
  readonly hostile: {
    readonly table: string;
    readonly flag: string;
    readonly unmarked: readonly string[];
    marked(): Promise<readonly string[]>;
  };
  /** `create table gone (id int primary key, done <flag>)` with row (1, false). */
  createGone(): Promise<void>;
}

/** The delta and export-mode-once behaviour every SQL table source shares. */
export function describeSqlDeltaOnce<K>(h: SqlDeltaOnceHarness<K>): void {
  const { readWith, readAll, mark } = sourceReads(h.source, () => h.connection(), h.ctx);
  describe('delta sync and export mode once (shared)', () => {
    beforeAll(() => h.seed());

    it("delta: filters by the flow's delta.field (cursorField argument) > an ISO since, over the source's own cursorField", async () => {
      const pages = await readWith(
        { table: 'events', cursorField: 'other', pageSize: 2 },
        { cursorField: 'changed', since: '2026-03-01T12:00:00.250Z' },
      );
      expect(pageIds(pages)).toEqual(['3', '4']);
      expect(pages[0]?.records[0]?.data.changed).toBe(h.changedText);
      // a since with an offset is the same instant in UTC
      expect(
        pageIds(await readWith({ table: 'events' }, { cursorField: 'changed', since: '2026-03-02T09:30:00+02:00' })),
      ).toEqual(['4']);
      // without since (first run) everything is read, rows without a cursor included
      expect(pageIds(await readWith({ table: 'events' }, { cursorField: 'changed' }))).toEqual([
        '1',
        '2',
        '3',
        '4',
        '5',
      ]);
    });

    it('delta: a delta.field that is not a column, or left out of columns, is a clear error', async () => {
      await expect(
        readWith({ table: 'events' }, { cursorField: 'nah', since: '2026-01-01T00:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'SQL_ERROR',
        field: 'nah',
        message: expect.stringContaining(`delta.field column "nah" is not a column of table ${h.quote('events')}`),
      });
      await expect(
        readWith({ table: 'events', columns: ['id'] }, { cursorField: 'changed', since: '2026-01-01T00:00:00Z' }),
      ).rejects.toMatchObject({
        code: 'CONFIG_INVALID',
        field: 'columns',
        message: expect.stringContaining('"changed"'),
      });
    });

    it('once: reads rows whose flag is not set; the marked ones are left out next time', async () => {
      const config = { table: 'events', pageSize: 2 };
      const first = await readWith(config, { once: { field: 'exported' } });
      expect(pageIds(first)).toEqual(['1', '2', '4', '5']);
      await mark(config, 'exported', pageRecords(first).slice(0, 2));
      expect(pageIds(await readWith(config, { once: { field: 'exported' } }))).toEqual(['4', '5']);
    });

    it('once: a numeric 0/1 flag column (`sent`) works too', async () => {
      const config = { table: 'events' };
      const pages = await readWith(config, { once: { field: 'sent' } });
      expect(pageIds(pages)).toEqual(['1', '2', '4', '5']);
      await mark(
        config,
        'sent',
        pageRecords(pages).filter((r) => r.meta.id !== '5'),
      );
      expect(pageIds(await readWith(config, { once: { field: 'sent' } }))).toEqual(['5']);
    });

    it('once: a missing flag column fails naming the table and the column, when reading and when marking', async () => {
      const expected = {
        code: 'SQL_ERROR',
        field: 'shipped',
        message: `once.field "shipped" is not a column of table ${h.quote('events')}`,
        hint: expect.stringContaining(h.addFlagColumn),
      };
      await expect(readWith({ table: 'events' }, { once: { field: 'shipped' } })).rejects.toMatchObject(expected);
      await expect(
        mark({ table: 'events' }, 'shipped', pageRecords(await readAll({ table: 'events' }))),
      ).rejects.toMatchObject({ code: 'SQL_ERROR', field: 'shipped' });
    });

    it('once: hostile table, key and flag names stay quoted; text keys with quotes are marked exactly', async () => {
      const config = { table: h.hostile.table };
      const once = { once: { field: h.hostile.flag } };
      const pages = await readWith(config, once);
      expect(pageIds(pages)).toEqual(h.hostile.unmarked);
      await mark(config, h.hostile.flag, pageRecords(pages));
      expect(await h.hostile.marked()).toEqual([...h.hostile.unmarked, 'z;3']);
      expect(pageIds(await readWith(config, once))).toEqual([]);
    });

    it('marking rows of a table dropped after the read fails with SQL_ERROR naming the table', async () => {
      await h.createGone();
      const pages = await readWith({ table: 'gone' }, { once: { field: 'done' } });
      await h.exec('drop table gone');
      await expect(mark({ table: 'gone' }, 'done', pageRecords(pages))).rejects.toMatchObject({
        code: 'SQL_ERROR',
        message: expect.stringContaining(`${h.quote('gone')} does not exist`),
      });
    });
  });
}

/** How one SQL connector's table source is set up for the shared reading tests. */
export interface SqlTableReadsHarness<K> {
  readonly source: Source<unknown, K>;
  readonly ctx: Context;
  connection(): K;
  /** An identifier as the connector's messages quote it (`nope` / "nope"). */
  quote(name: string): string;
  /** The database's own message for an unknown column `nah` in a where clause. */
  readonly unknownColumn: RegExp;
  /** A table with hostile names (`t"x; --`), its key column and what paging it one row at a time gives: [id, data, checkpoint]. */
  readonly hostile: {
    readonly table: string;
    readonly key: string;
    readonly pages: readonly (readonly [string, Json, Json])[];
  };
}

/**
 * The table reads every SQL table source shares, over `items (id primary key, name, status, …)` with
 * rows 1 a open, 2 b closed, 5 c open, 7 d open, 9 e open (seeded by the connector's file).
 */
export function describeSqlTableReads<K>(h: SqlTableReadsHarness<K>): void {
  const { readAll } = sourceReads(h.source, () => h.connection(), h.ctx);
  describe('table reads (shared)', () => {
    it('pages by the primary key, the last key as checkpoint, and resumes after it', async () => {
      const pages = await readAll({ table: 'items', pageSize: 2 });
      expect(pageIds(pages)).toEqual(['1', '2', '5', '7', '9']);
      expect(pages.map((p) => p.checkpoint)).toEqual([2, 7, 9]);
      expect(pageIds(await readAll({ table: 'items', pageSize: 2 }, 2))).toEqual(['5', '7', '9']);
    });

    it('filters with where and named params, and reads only the given columns', async () => {
      const pages = await readAll({ table: 'items', columns: ['name'], where: 'status = :s', params: { s: 'open' } });
      expect(pages[0]?.records.map((r) => [r.meta.id, r.data])).toEqual([
        ['1', { name: 'a' }],
        ['5', { name: 'c' }],
        ['7', { name: 'd' }],
        ['9', { name: 'e' }],
      ]);
    });

    it('reads tables and keys with hostile names', async () => {
      const pages = await readAll({ table: h.hostile.table, key: h.hostile.key, pageSize: 1 });
      expect(pages.map((p) => [p.records[0]?.meta.id, p.records[0]?.data, p.checkpoint])).toEqual(h.hostile.pages);
    });

    it('fails with SQL_ERROR naming a missing table or column', async () => {
      await expect(readAll({ table: 'nope' })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        kind: 'config',
        message: expect.stringContaining(`${h.quote('nope')} does not exist`),
      });
      await expect(readAll({ table: 'items', columns: ['nah'] })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        field: 'nah',
      });
      await expect(readAll({ table: 'items', where: 'nah = 1' })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        message: expect.stringMatching(h.unknownColumn),
      });
    });
  });
}
