import { expect, it } from 'vitest';
import { countQueries } from '../../../test/conformance/sql-harness.js';
import { describeSqlLookup } from '../../../test/conformance/sql-lookup.js';
import { requireServer } from '../../../test/helpers/servers.js';
import { createRecord, type JsonObject } from '../../sdk/index.js';
import { closePostgresConnection, type PostgresConnection } from './connection.js';
import { lookupStep } from './lookup-step.js';
import { createTestSchema, type TestSchema, testServerUrl } from './test-helpers.js';

const server = new URL(testServerUrl);
const up = await requireServer('PostgreSQL', server.hostname, Number(server.port || 5432));
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));
const seed = `
  create table customers (id int primary key, email text unique, tier text);
  insert into customers select x, 'c' || x || '@x.com', 't' || (x % 3) from generate_series(1, 2000) x;
  create table prices (sku text, region char(2), price numeric(10,2), primary key (sku, region));
  insert into prices values ('A', 'EU', 1.50), ('A', 'US', 1.75), ('B', 'EU', 2.00);
`;

let shared: TestSchema;
describeSqlLookup<PostgresConnection>('postgres.lookup step: what the SQL lookups share', {
  up,
  async setup() {
    shared = await createTestSchema('lookup');
    await shared.sql(seed);
  },
  teardown: () => shared.drop(),
  connect: () => shared.open(),
  close: closePostgresConnection,
  of: lookupStep,
  count: { connection: countQueries },
  prices: ['1.75', '2.00', '1.50'],
  // PostgreSQL text cannot hold a NUL character: that key cannot be looked up
  nulKey: { code: 'RECORD_BAD_VALUE' },
  own({ base, ctx, create, queries }) {
    const prices = { ...base, table: 'prices', match: { sku: 'sku', region: 'region' }, fields: { price: 'price' } };
    it('asks with one SELECT … = ANY($1::text[]) per page', async () => {
      const p = await create(base);
      await p.process(recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'c2@x.com' } }]), ctx);
      expect(queries()).toEqual([
        `SELECT "email", "id", "tier" FROM ${shared.name}.customers WHERE "email" = ANY($1::text[])`,
      ]);
    });

    it('matches on several columns with one unnest query', async () => {
      const p = await create({ ...prices, onMissing: 'null' });
      await p.process(recs([{ sku: 'A', region: 'US' }]), ctx);
      expect(queries()).toHaveLength(1);
      expect(queries()[0]).toContain('("sku", "region") IN (SELECT * FROM unnest($1::text[], $2::bpchar[]))');
    });

    it('a NUL character in the second match column fails that record only, naming that field', async () => {
      const two = await create(prices);
      const out = await two.process(
        recs([
          { sku: 'A', region: 'E\u0000U' },
          { sku: 'B', region: 'EU' },
        ]),
        ctx,
      );
      expect(out.records.map((r) => r.data['price'])).toEqual(['2.00']);
      expect(out.failed[0]?.error).toMatchObject({ code: 'RECORD_BAD_VALUE', field: 'region' });
    });
  },
});
