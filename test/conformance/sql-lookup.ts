import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type Context,
  createRecord,
  type Json,
  type JsonObject,
  ManualClock,
  type Processor,
  type Step,
} from '../../src/sdk/index.js';
import { tempContext } from '../helpers/temp-context.js';

/**
 * What the SQL connectors' lookup steps (sqlite, postgres, mysql) do alike over the same tables, beyond
 * the lookup conformance suite: one query per page, several match columns, `default` filling several
 * fields, the step's stats, the errors at create, a key with a NUL character.
 */
export interface SqlLookupHarness<K> {
  /** False when the server does not answer (`requireServer`): the tests skip. */
  readonly up: boolean;
  /**
   * Seeds `customers (id int primary key, email unique, tier)` with ids 1‥2000, email `c<id>@x.com`,
   * tier `t<id % 3>` (other columns allowed), and `prices (sku, region, price, primary key (sku, region))`
   * with ('A', 'EU', 1.50), ('A', 'US', 1.75), ('B', 'EU', 2.00).
   */
  setup(): Promise<void>;
  /** Drops what `setup` made (after the connection is closed). */
  teardown(): Promise<void>;
  connect(): Promise<K>;
  close(connection: K): Promise<void>;
  readonly of: Step;
  /** Counts the statements the step runs: through a connection that counts them, or the metrics of the context. */
  readonly count:
    | { connection(connection: K, count: (text: string) => void): K }
    | { context(ctx: Context, count: (by: number) => void): Context };
  /** The prices of (A, US), (B, EU), (A, EU) as the driver hands them over (decimals as text or numbers). */
  readonly prices: readonly [Json, Json, Json];
  /** A key holding a NUL character: looked up like any other (no row has it), or the record fails with this code. */
  readonly nulKey: 'notFound' | { readonly code: string };
  /** The connector's own tests over the same tables (its SQL text, collation, cache details). */
  own?(lookup: SqlLookupFixture): void;
}

/** What a connector's own lookup tests get: the step over the seeded tables and what it asked. */
export interface SqlLookupFixture {
  /** `customers` by `customer.email`, setting `customer_id` (id) and `tier`. */
  readonly base: Readonly<Record<string, unknown>>;
  /** The context the step runs with; its clock is a ManualClock. */
  readonly ctx: Context;
  readonly clock: ManualClock;
  /** The step over `config`, the statements asked forgotten. */
  create(config: Record<string, unknown>): Promise<Processor>;
  /** The statements asked since `create` (their text where the connection counts them). */
  queries(): readonly string[];
}

const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));
const base = {
  connection: 'erp',
  table: 'customers',
  match: { email: 'customer.email' },
  fields: { customer_id: 'id', tier: 'tier' },
};
const prices = {
  ...base,
  table: 'prices',
  match: { sku: 'sku', region: 'region' },
  fields: { price: 'price' },
};

export function describeSqlLookup<K>(title: string, h: SqlLookupHarness<K>): void {
  describe.skipIf(!h.up)(title, () => {
    const { ctx: temp } = tempContext('syncline-sql-lookup-');
    const clock = new ManualClock();
    let statements = 0;
    let texts: string[] = [];
    const count = (by = 1) => {
      statements += by;
    };
    const counting = h.count;
    const ctx: Context = 'context' in counting ? counting.context({ ...temp, clock }, count) : { ...temp, clock };
    let connection: K;
    let counted: K;
    beforeAll(async () => {
      await h.setup();
      connection = await h.connect();
      counted =
        'connection' in counting
          ? counting.connection(connection, (text) => {
              count();
              texts.push(text);
            })
          : connection;
    });
    afterAll(async () => {
      if (connection !== undefined) await h.close(connection);
      await h.teardown();
    });
    /** The step over `config`, its statement counter back at 0. */
    const create = async (config: Record<string, unknown>): Promise<Processor> => {
      const p = await h.of.create(
        { config: h.of.config.parse(config), where: 'flow f/step lookup', connection: counted },
        ctx,
      );
      statements = 0;
      texts = [];
      return p;
    };
    h.own?.({ base, ctx, clock, create, queries: () => texts });

    it('enriches a page of 1000 records with one statement, and reports hits and misses', async () => {
      const p = await create(base);
      const page = recs(
        Array.from({ length: 1000 }, (_, i) => ({ n: i, customer: { email: `c${(i % 700) + 1}@x.com` } })),
      );
      const result = await p.process(page, ctx);
      expect(statements).toBe(1);
      expect(result.failed).toEqual([]);
      expect(result.records).toHaveLength(1000);
      expect(result.records[0]?.data).toEqual({ n: 0, customer: { email: 'c1@x.com' }, customer_id: 1, tier: 't1' });
      expect(result.records[0]?.meta.id).toBe('r1');
      expect(result.records[701]?.data).toEqual({
        n: 701,
        customer: { email: 'c2@x.com' },
        customer_id: 2,
        tier: 't2',
      });
      expect(result.records[999]?.data).toMatchObject({ customer_id: 300, tier: 't0' });
      expect(result.stats).toMatchObject({ hits: 300, misses: 700, notFound: 0 });
    });

    it('onMissing error names the field and the value; stats count the record not found', async () => {
      const p = await create({ ...base, onMissing: 'error' });
      const result = await p.process(
        recs([{ customer: { email: 'c5@x.com' } }, { customer: { email: 'nobody@x' } }]),
        ctx,
      );
      expect(result.records.map((r) => r.data['customer_id'])).toEqual([5]);
      expect(result.failed.map((f) => [f.record.meta.id, f.error.code, f.error.kind, f.error.field])).toEqual([
        ['r2', 'RECORD_NOT_FOUND', 'record', 'customer.email'],
      ]);
      // the table as the dialect names it: customers, "customers"
      expect(result.failed[0]?.error.message).toMatch(/^no row of "?customers"? where email = "nobody@x"$/);
      expect(result.stats).toMatchObject({ notFound: 1 });
    });

    it('matches several columns with one statement; numbers match text and text numbers', async () => {
      const p = await create({ ...prices, onMissing: 'null' });
      const result = await p.process(
        recs([
          { sku: 'A', region: 'US' },
          { sku: 'B', region: 'EU' },
          { sku: 'B', region: 'US' },
          { sku: 'A', region: 'EU' },
        ]),
        ctx,
      );
      expect(statements).toBe(1);
      const [aUs, bEu, aEu] = h.prices;
      expect(result.records.map((r) => r.data['price'])).toEqual([aUs, bEu, null, aEu]);
      const byId = await create({ ...base, match: { id: 'id' }, fields: { email: 'email' }, onMissing: 'null' });
      const r2 = await byId.process(recs([{ id: '7' }, { id: 8 }, { id: 'x' }]), ctx);
      expect(r2.records.map((r) => r.data['email'])).toEqual(['c7@x.com', 'c8@x.com', null]);
      expect(statements).toBe(1);
    });

    it('onMissing default fills several fields; stats count hits, misses and the records not found', async () => {
      const p = await create({ ...base, onMissing: 'default', default: { customer_id: 0, tier: 'prospect' } });
      const result = await p.process(
        recs([
          { customer: { email: 'c5@x.com' } },
          { customer: { email: 'nobody@x' } },
          { customer: { email: 'c5@x.com' } },
        ]),
        ctx,
      );
      expect(result.records.map((r) => [r.data['customer_id'], r.data['tier']])).toEqual([
        [5, 't2'],
        [0, 'prospect'],
        [5, 't2'],
      ]);
      expect(result.stats).toMatchObject({ hits: 1, misses: 2, notFound: 1 });
      expect(result.stats?.lookupMs).toBeGreaterThan(0);
    });

    it('onMissing default sets only the named fields: the others stay null', async () => {
      const p = await create({ ...base, onMissing: 'default', default: { tier: 'prospect' } });
      const result = await p.process(recs([{ customer: { email: 'nobody@x' } }]), ctx);
      expect(result.records.map((r) => [r.data['customer_id'], r.data['tier']])).toEqual([[null, 'prospect']]);
    });

    it('checks default: at parse (present with onMissing default, naming fields the step sets)', () => {
      expect(h.of.config.safeParse({ ...base, onMissing: 'default' }).success).toBe(false);
      expect(h.of.config.safeParse({ ...base, onMissing: 'default', default: { nope: 1 } }).success).toBe(false);
    });

    it('fails at create with SQL_ERROR for a missing table or column', async () => {
      await expect(create({ ...base, table: 'nope' })).rejects.toMatchObject({ code: 'SQL_ERROR' });
      await expect(create({ ...base, fields: { x: 'nah' } })).rejects.toMatchObject({
        code: 'SQL_ERROR',
        field: 'nah',
      });
    });

    it(`a key with a NUL character ${h.nulKey === 'notFound' ? 'is looked up like any other (no row has it)' : 'fails that record only, naming the field'}: the page goes on`, async () => {
      const p = await create({ ...base, onMissing: 'null' });
      const page = recs([
        { customer: { email: 'c1@x.com' } },
        { customer: { email: 'c2\u0000@x.com' } },
        { customer: { email: 'c3@x.com' } },
      ]);
      const out = await p.process(page, ctx);
      if (h.nulKey === 'notFound') {
        expect(out.failed).toEqual([]);
        expect(out.records.map((r) => r.data['customer_id'])).toEqual([1, null, 3]);
      } else {
        expect(out.records.map((r) => r.data['customer_id'])).toEqual([1, 3]);
        expect(out.failed.map((f) => f.record.meta.id)).toEqual(['r2']);
        expect(out.failed[0]?.error).toMatchObject({ code: h.nulKey.code, kind: 'record', field: 'customer.email' });
        expect(out.failed[0]?.error.message).toMatch(/customer\.email.*NUL/);
      }
    });
  });
}
