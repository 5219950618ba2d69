import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRecord, type Destination, type JsonObject } from '../../src/sdk/index.js';
import { tempContext } from '../helpers/temp-context.js';

/**
 * What the server SQL table destinations (postgres, mysql) do alike beyond the destination suite: the
 * errors of a missing table, key or column, and page markers (a batch committed before a crash is
 * skipped, its marker commits in the batch's transaction).
 */
export interface SqlTableDestinationHarness<K> {
  /** False when the server does not answer (`requireServer`): the tests skip. */
  readonly up: boolean;
  /** Creates the database the tests make their tables in. */
  setup(): Promise<void>;
  teardown(): Promise<void>;
  connect(): Promise<K>;
  close(connection: K): Promise<void>;
  /** Runs a statement as the admin, returning its rows. */
  sql(statement: string): Promise<JsonObject[]>;
  readonly of: Destination<unknown, K>;
  /** Variants of the config the tests run each (postgres: mode copy, mode insert). */
  readonly variants: readonly { readonly label: string; readonly config: JsonObject }[];
  /** What the SQL_ERROR of a table that does not exist says: `"nope" does not exist`. */
  readonly missingTable: string;
  /** What the SQL_ERROR of a batch with a column the table lacks (`missing_col`) carries besides its code and kind. */
  readonly unknownColumn: Record<string, unknown>;
}

const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `line:${i + 2}` }));

export function describeSqlTableDestination<K>(title: string, h: SqlTableDestinationHarness<K>): void {
  describe.skipIf(!h.up)(title, () => {
    const { ctx } = tempContext('syncline-sql-dest-');
    let connection: K;
    let n = 0;
    beforeAll(async () => {
      await h.setup();
      connection = await h.connect();
    });
    afterAll(async () => {
      if (connection !== undefined) await h.close(connection);
      await h.teardown();
    });
    const writer = (config: Record<string, unknown>) =>
      h.of.open({ config: h.of.config.parse(config), connection }, ctx);
    const rowsOf = (table: string) => h.sql(`select id, name from ${table} order by id`);
    async function freshTable(ddl = 'id int primary key, name varchar(20)', rows = "(1, 'one'), (2, 'two')") {
      const table = `t${++n}`;
      await h.sql(`create table ${table} (${ddl})`);
      if (rows) await h.sql(`insert into ${table} values ${rows}`);
      return table;
    }

    it('needs a key for update, upsert and ignore', () => {
      expect(() => h.of.config.parse({ table: 't', operation: 'upsert' })).toThrow(/need key/);
      expect(h.of.config.parse({ table: 't', operation: 'upsert', key: 'id' })).toMatchObject({ key: ['id'] });
    });

    describe.each(h.variants)('$label', ({ label, config: variant }) => {
      it('fails the whole batch with SQL_ERROR for a missing table or column, writing nothing of it', async () => {
        await expect(writer({ table: 'nope', operation: 'insert', ...variant })).rejects.toMatchObject({
          code: 'SQL_ERROR',
          message: expect.stringContaining(h.missingTable),
        });
        await expect(
          writer({ table: await freshTable(), operation: 'upsert', key: 'nokey', ...variant }),
        ).rejects.toMatchObject({ code: 'SQL_ERROR', field: 'nokey' });
        const table = await freshTable('id int primary key', '');
        const w = await writer({ table, operation: 'insert', ...variant });
        await expect(w.write(recs([{ id: 1 }, { id: 2, missing_col: 1 }]), ctx)).rejects.toMatchObject({
          code: 'SQL_ERROR',
          kind: 'config',
          ...h.unknownColumn,
        });
        expect((await h.sql(`select count(*) as c from ${table}`)).map((r) => Number(r['c']))).toEqual([0]);
      });

      describe('page markers (exactly-once insert)', () => {
        it('skips a batch whose marker was committed, counting it as already written, and refuses its bad records again', async () => {
          const table = await freshTable('id int primary key, name varchar(20) not null', '');
          const w = await writer({ table, operation: 'insert', ...variant });
          const batch = { key: `out|run 1 page 3#1|0+3 ${label}` };
          const rows = recs([{ id: 1, name: 'a' }, { id: 2 }, { id: 3, name: 'c' }]);
          expect(await w.write(rows, ctx, batch)).toMatchObject({
            written: 2,
            rejected: [{ index: 1, error: { code: 'RECORD_CONSTRAINT' } }],
          });
          // the page read again after a crash: the same key and records
          const again = await w.write(rows, ctx, batch);
          expect(again).toMatchObject({
            written: 0,
            alreadyWritten: 2,
            rejected: [{ index: 1, error: { code: 'RECORD_CONSTRAINT', kind: 'record' } }],
          });
          expect(again.rejected[0]?.error.message).toMatch(/before a crash/);
          expect(await rowsOf(table)).toEqual([
            { id: 1, name: 'a' },
            { id: 3, name: 'c' },
          ]);
          // the same key with other records is another batch; no key: written as before
          expect(await w.write(recs([{ id: 4, name: 'd' }]), ctx, batch)).toMatchObject({ written: 1 });
          expect(await w.write(recs([{ id: 5, name: 'e' }]), ctx)).toMatchObject({ written: 1 });
          expect(
            await h.sql(`select page, records from syncline_page_markers where page = '${batch.key}' order by records`),
          ).toEqual([
            { page: batch.key, records: 1 },
            { page: batch.key, records: 3 },
          ]);
        });

        it('keeps markers for a delete when asked: a batch deleted before a crash is not deleted again', async () => {
          const table = await freshTable();
          const w = await writer({ table, operation: 'delete', key: 'id', pageMarkers: {}, ...variant });
          const batch = { key: `out|run 2 page 1#1|0+2 ${label}` };
          const rows = recs([{ id: 1 }, { id: 9 }]);
          expect(await w.write(rows, ctx, batch)).toMatchObject({ written: 1, skipped: 1, rejected: [] });
          expect(await w.write(rows, ctx, batch)).toMatchObject({ written: 0, alreadyWritten: 2, rejected: [] });
          expect(await rowsOf(table)).toEqual([{ id: 2, name: 'two' }]);
        });

        it('commits the batch and its marker in one transaction: a marker that cannot be written rolls the rows back', async () => {
          const table = await freshTable('id int primary key, name varchar(20)', '');
          const markers = `m_${table}`;
          await h.sql(
            `create table ${markers} (flow varchar(255), marker char(64), page text, run_id varchar(64), records int check (records < 0), rejected text, committed_at bigint, primary key (flow, marker))`,
          );
          const w = await writer({ table, operation: 'insert', ...variant, pageMarkers: { table: markers } });
          await expect(w.write(recs([{ id: 1, name: 'a' }]), ctx, { key: `k ${label}` })).rejects.toBeDefined();
          expect(await rowsOf(table)).toEqual([]);
        });
      });
    });
  });
}
