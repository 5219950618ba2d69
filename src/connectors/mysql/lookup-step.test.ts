import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireServer } from '../../../test/helpers/servers.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { type Context, createRecord, type JsonObject, ManualClock, type Processor } from '../../sdk/index.js';
import {
  closeMysqlConnection,
  type MysqlConnection,
  mysqlConnectionConfig,
  openMysqlConnection,
} from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const { ctx: baseCtx } = tempContext('syncline-mysql-lookup-');
const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

describe.skipIf(!up)('mysql.lookup step (MariaDB)', () => {
  let db: TestDatabase;
  let connection: MysqlConnection;
  let queries: string[] = [];
  let counted: MysqlConnection;
  const clock = new ManualClock();
  const ctx: Context = { ...baseCtx, clock };
  beforeAll(async () => {
    db = await createTestDatabase('lookup');
    connection = await openMysqlConnection(mysqlConnectionConfig.parse({ url: db.url }));
    counted = {
      ...connection,
      query: <T>(sql: string, where?: string) => {
        queries.push(sql);
        return connection.query<T>(sql, where);
      },
    };
    await db.sql(`
      create table customers (id int primary key, email varchar(50) unique, country char(2), tier varchar(10));
      insert into customers select seq, concat('c', seq, '@x.com'), if(seq % 2, 'DE', 'FR'), concat('t', seq % 3) from seq_1_to_2000;
      create table prices (sku varchar(10), region char(2), price decimal(10,2), primary key (sku, region));
      insert into prices values ('A', 'EU', 1.50), ('A', 'US', 1.75), ('B', 'EU', 2.00);
    `);
  });
  afterAll(async () => {
    await closeMysqlConnection(connection);
    await db.drop();
  });

  const create = async (config: Record<string, unknown>): Promise<Processor> => {
    queries = [];
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
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatch(/^SELECT `email`, `id`, `tier` FROM `customers` WHERE `email` IN \(/);
    expect(result.failed).toEqual([]);
    expect(result.records).toHaveLength(1000);
    expect(result.records[0]?.data).toEqual({ n: 0, customer: { email: 'c1@x.com' }, customer_id: 1, tier: 't1' });
    expect(result.records[999]?.data).toMatchObject({ customer_id: 300, tier: 't0' });
    expect(result.records[0]?.meta.id).toBe('r1');
  });

  it('caches answers (found and missing) until the ttl passes, bounded by size', async () => {
    const p = await create({ ...base, onMissing: 'null', cache: { size: 100, ttl: '1m' } });
    await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'none@x' } }]), ctx);
    const again = await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'none@x' } }]), ctx);
    expect(queries).toHaveLength(1);
    expect(again.records.map((r) => r.data.customer_id)).toEqual([1, null]);
    await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'c2@x.com' } }]), ctx);
    expect(queries).toHaveLength(2);
    expect(queries[1]).toContain("IN ('c2@x.com')");
    clock.advance(61_000);
    await p.process(recs([{ customer: { email: 'c1@x.com' } }]), ctx);
    expect(queries).toHaveLength(3);
    const big = await create({ ...base, cache: { size: 10, ttl: 60_000 } });
    await big.process(recs(Array.from({ length: 50 }, (_, i) => ({ customer: { email: `c${i + 1}@x.com` } }))), ctx);
    await big.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'c50@x.com' } }]), ctx);
    expect(queries[1]).toContain("IN ('c1@x.com')");
  });

  // onMissing skip, null and default: the conformance suite (conformance.test.ts)
  it('onMissing error names the field and the value; keys match case-insensitively (the collation)', async () => {
    const p = await create({ ...base, onMissing: 'error' });
    const result = await p.process(
      recs([{ customer: { email: 'C2@X.COM' } }, { customer: { email: 'nobody@x' } }]),
      ctx,
    );
    expect([result.records.length, result.failed.length]).toEqual([1, 1]);
    expect(result.records[0]?.data.customer_id).toBe(2);
    expect(result.failed[0]?.error).toMatchObject({
      code: 'RECORD_NOT_FOUND',
      kind: 'record',
      message: 'no row of customers where email = "nobody@x"',
      field: 'customer.email',
    });
  });

  it('matches several columns with one row-value IN query; numbers match text', async () => {
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
    expect(queries).toEqual([
      "SELECT `sku`, `region`, `price` FROM `prices` WHERE (`sku`, `region`) IN (('A', 'US'), ('B', 'EU'), ('B', 'US'), ('A', 'EU'))",
    ]);
    expect(result.records.map((r) => r.data.price)).toEqual(['1.75', '2.00', null, '1.50']);
    const byId = await create({ ...base, match: { id: 'id' }, fields: { email: 'email' } });
    const r2 = await byId.process(recs([{ id: '7' }, { id: 8 }]), ctx);
    expect(r2.records.map((r) => r.data.email)).toEqual(['c7@x.com', 'c8@x.com']);
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

  it('a key with a NUL character is looked up like any other (no row has it): the page goes on', async () => {
    const p = await create({ ...base, onMissing: 'null' });
    const page = recs([
      { customer: { email: 'c1@x.com' } },
      { customer: { email: 'c2\u0000@x.com' } },
      { customer: { email: 'c3@x.com' } },
    ]);
    const out = await p.process(page, ctx);
    expect(out.failed).toEqual([]);
    expect(out.records.map((r) => r.data['customer_id'])).toEqual([1, null, 3]);
  });
});
