import { expect, it } from 'vitest';
import { countQueries } from '../../../test/conformance/sql-harness.js';
import { describeSqlLookup } from '../../../test/conformance/sql-lookup.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { createRecord, type JsonObject } from '../../sdk/index.js';
import { closeMysqlConnection, type MysqlConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestDatabase, type TestDatabase, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const up = await requireServer('MariaDB', server.hostname, Number(server.port || 3306));
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));
const seed = `
  create table customers (id int primary key, email varchar(50) unique, country char(2), tier varchar(10));
  insert into customers select seq, concat('c', seq, '@x.com'), if(seq % 2, 'DE', 'FR'), concat('t', seq % 3) from seq_1_to_2000;
  create table prices (sku varchar(10), region char(2), price decimal(10,2), primary key (sku, region));
  insert into prices values ('A', 'EU', 1.50), ('A', 'US', 1.75), ('B', 'EU', 2.00);
`;

let shared: TestDatabase;
describeSqlLookup<MysqlConnection>('mysql.lookup step (MariaDB): what the SQL lookups share', {
  up,
  async setup() {
    shared = await createTestDatabase('lookup');
    await shared.sql(seed);
  },
  teardown: () => shared.drop(),
  connect: () => shared.open(),
  close: closeMysqlConnection,
  of: lookupStep,
  count: { connection: countQueries },
  prices: ['1.75', '2.00', '1.50'],
  nulKey: 'notFound',
  own({ base, ctx, clock, create, queries }) {
    it('asks with one SELECT … WHERE `email` IN (…) per page', async () => {
      const p = await create(base);
      await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'c2@x.com' } }]), ctx);
      expect(queries()).toEqual([
        "SELECT `email`, `id`, `tier` FROM `customers` WHERE `email` IN ('c1@x.com', 'c2@x.com')",
      ]);
    });

    it('caches answers (found and missing) until the ttl passes, bounded by size', async () => {
      const p = await create({ ...base, onMissing: 'null', cache: { size: 100, ttl: '1m' } });
      await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'none@x' } }]), ctx);
      const again = await p.process(
        recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'none@x' } }]),
        ctx,
      );
      expect(queries()).toHaveLength(1);
      expect(again.records.map((r) => r.data.customer_id)).toEqual([1, null]);
      await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'c2@x.com' } }]), ctx);
      expect(queries()).toHaveLength(2);
      expect(queries()[1]).toContain("IN ('c2@x.com')");
      clock.advance(61_000);
      await p.process(recs([{ customer: { email: 'c1@x.com' } }]), ctx);
      expect(queries()).toHaveLength(3);
      const big = await create({ ...base, cache: { size: 10, ttl: 60_000 } });
      await big.process(recs(Array.from({ length: 50 }, (_, i) => ({ customer: { email: `c${i + 1}@x.com` } }))), ctx);
      await big.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'c50@x.com' } }]), ctx);
      expect(queries()[1]).toContain("IN ('c1@x.com')");
    });

    it('keys match case-insensitively (the collation)', async () => {
      const p = await create({ ...base, onMissing: 'error' });
      const result = await p.process(recs([{ customer: { email: 'C2@X.COM' } }]), ctx);
      expect(result.failed).toEqual([]);
      expect(result.records[0]?.data.customer_id).toBe(2);
    });

    it('matches several columns with one row-value IN query', async () => {
      const p = await create({
        ...base,
        table: 'prices',
        match: { sku: 'sku', region: 'region' },
        fields: { price: 'price' },
        onMissing: 'null',
      });
      await p.process(
        recs([
          { sku: 'A', region: 'US' },
          { sku: 'B', region: 'EU' },
        ]),
        ctx,
      );
      expect(queries()).toEqual([
        "SELECT `sku`, `region`, `price` FROM `prices` WHERE (`sku`, `region`) IN (('A', 'US'), ('B', 'EU'))",
      ]);
    });
  },
});
