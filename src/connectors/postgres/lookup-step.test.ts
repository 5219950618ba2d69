import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { type Context, createRecord, type JsonObject, ManualClock, type Processor } from '../../sdk/index.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const { ctx: baseCtx } = tempContext('syncline-pg-lookup-');
const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

describe.skipIf(!up)('postgres.lookup step', () => {
  let db: TestSchema;
  let connection: PostgresConnection;
  let queries: string[] = [];
  let counted: PostgresConnection;
  const clock = new ManualClock();
  const ctx: Context = { ...baseCtx, clock };
  beforeAll(async () => {
    db = await createTestSchema('lookup');
    connection = await db.open();
    counted = {
      ...connection,
      query: (text, values, where) => {
        queries.push(text);
        return connection.query(text, values, where);
      },
    };
    await db.sql(`
      create table customers (id int primary key, email text unique, tier text);
      insert into customers select x, 'c' || x || '@x.com', 't' || (x % 3) from generate_series(1, 2000) x;
      create table prices (sku text, region char(2), price numeric(10,2), primary key (sku, region));
      insert into prices values ('A', 'EU', 1.50), ('A', 'US', 1.75), ('B', 'EU', 2.00);
    `);
  });
  afterAll(async () => {
    await closePostgresConnection(connection);
    await db.drop();
  });

  const create = async (config: Record<string, unknown>): Promise<Processor> => {
    const p = await lookupStep.create(
      { config: lookupStep.config.parse(config), where: 'flow f/step lookup', connection: counted },
      ctx,
    );
    queries = [];
    return p;
  };
  const base = {
    connection: 'crm',
    table: 'customers',
    match: { email: 'customer.email' },
    fields: { customer_id: 'id', tier: 'tier' },
  };

  it('enriches a page of 1000 records with exactly one query', async () => {
    const p = await create(base);
    const page = recs(
      Array.from({ length: 1000 }, (_, i) => ({ n: i, customer: { email: `c${(i % 700) + 1}@x.com` } })),
    );
    const result = await p.process(page, ctx);
    expect(queries).toEqual([`SELECT "email", "id", "tier" FROM ${db.name}.customers WHERE "email" = ANY($1::text[])`]);
    expect(result.failed).toEqual([]);
    expect(result.records).toHaveLength(1000);
    expect(result.records[701]?.data).toEqual({ n: 701, customer: { email: 'c2@x.com' }, customer_id: 2, tier: 't2' });
  });

  // onMissing skip, null and default: the conformance suite (conformance.test.ts)
  it('onMissing error names the field and the value not found', async () => {
    const p = await create({ ...base, onMissing: 'error' });
    const result = await p.process(
      recs([{ customer: { email: 'c5@x.com' } }, { customer: { email: 'nobody@x' } }]),
      ctx,
    );
    expect(result.records).toHaveLength(1);
    expect(result.failed.map((f) => [f.error.code, f.error.field])).toEqual([['RECORD_NOT_FOUND', 'customer.email']]);
    expect(result.failed[0]?.error.message).toContain('email = "nobody@x"');
  });

  it('matches on several columns with one query, and copes with values of the wrong type', async () => {
    const p = await create({
      ...base,
      table: 'prices',
      match: { sku: 'sku', region: 'region' },
      fields: { price: 'price' },
      onMissing: 'null',
    });
    const result = await p.process(
      recs([
        { sku: 'A', region: 'US' },
        { sku: 'B', region: 'EU' },
        { sku: 'B', region: 'US' },
        { sku: 'A', region: 'EU' },
      ]),
      ctx,
    );
    expect(queries).toHaveLength(1);
    expect(queries[0]).toContain('("sku", "region") IN (SELECT * FROM unnest($1::text[], $2::bpchar[]))');
    expect(result.records.map((r) => r.data.price)).toEqual(['1.75', '2.00', null, '1.50']);
    const byId = await create({ ...base, match: { id: 'id' }, fields: { email: 'email' }, onMissing: 'null' });
    const r2 = await byId.process(recs([{ id: '7' }, { id: 8 }, { id: 'x' }]), ctx);
    expect(r2.records.map((r) => r.data.email)).toEqual(['c7@x.com', 'c8@x.com', null]);
    expect(queries).toHaveLength(1);
  });

  it('onMissing default sets the named fields; stats count hits, misses and the records not found', async () => {
    const p = await create({ ...base, onMissing: 'default', default: { tier: 'prospect' } });
    const result = await p.process(
      recs([
        { customer: { email: 'c5@x.com' } },
        { customer: { email: 'nobody@x' } },
        { customer: { email: 'c5@x.com' } },
      ]),
      ctx,
    );
    expect(result.records.map((r) => [r.data.customer_id, r.data.tier])).toEqual([
      [5, 't2'],
      [null, 'prospect'],
      [5, 't2'],
    ]);
    expect(result.stats).toMatchObject({ hits: 1, misses: 2, notFound: 1 });
    expect(result.stats?.lookupMs).toBeGreaterThan(0);
    expect(lookupStep.config.safeParse({ ...base, onMissing: 'default', default: { nope: 1 } }).success).toBe(false);
  });

  it('fails at create with SQL_ERROR for a missing table or column', async () => {
    await expect(create({ ...base, table: 'nope' })).rejects.toMatchObject({ code: 'SQL_ERROR' });
    await expect(create({ ...base, fields: { x: 'nah' } })).rejects.toMatchObject({ code: 'SQL_ERROR', field: 'nah' });
  });

  it('a key with a NUL character fails that record only (RECORD_BAD_VALUE naming the field); the page is looked up', async () => {
    const p = await create(base);
    const page = recs([
      { customer: { email: 'c1@x.com' } },
      { customer: { email: 'c2\u0000@x.com' } },
      { customer: { email: 'c3@x.com' } },
    ]);
    const out = await p.process(page, ctx);
    expect(out.records.map((r) => r.data['customer_id'])).toEqual([1, 3]);
    expect(out.failed).toHaveLength(1);
    expect(out.failed[0]?.record.meta.id).toBe('r2');
    expect(out.failed[0]?.error).toMatchObject({ code: 'RECORD_BAD_VALUE', kind: 'record', field: 'customer.email' });
    expect(out.failed[0]?.error.message).toMatch(/customer\.email.*NUL/);
    // two match columns, a NUL in the second
    const two = await create({
      ...base,
      table: 'prices',
      match: { sku: 'sku', region: 'region' },
      fields: { price: 'price' },
    });
    const prices = await two.process(
      recs([
        { sku: 'A', region: 'E\u0000U' },
        { sku: 'B', region: 'EU' },
      ]),
      ctx,
    );
    expect(prices.records.map((r) => r.data['price'])).toEqual(['2.00']);
    expect(prices.failed[0]?.error).toMatchObject({ code: 'RECORD_BAD_VALUE', field: 'region' });
  });
});
