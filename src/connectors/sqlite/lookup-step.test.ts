import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeSqlLookup } from '../../../test/conformance/sql-lookup.js';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { builtinConnectors, builtinSteps } from '../../cli/builtins.js';
import { parseProject } from '../../config/index.js';
import { createEngine } from '../../engine/index.js';
import { storeState } from '../../engine/make-context.js';
import { type Context, createRecord, type JsonObject, ManualClock, type Processor } from '../../sdk/index.js';
import { openStore } from '../../store/index.js';
import {
  closeSqliteConnection,
  openSqliteConnection,
  type SqliteConnection,
  sqliteConnectionConfig,
} from './connection.js';
import { sqliteConnector } from './index.js';
import { sqliteLookupStep } from './lookup-step.js';
import { countLookupQueries } from './test-helpers.js';

const { dir, ctx: baseCtx } = tempContext('syncline-sqlite-lookup-');
const shared = tempContext('syncline-sqlite-lookup-shared-');
const connectShared = async () => openSqliteConnection(sqliteConnectionConfig.parse({ path: 'erp.db' }), shared.ctx);

/** customers (2000 rows, with a text column `code` = id × 10) and prices. */
function seed(connection: SqliteConnection): void {
  connection.db.exec(`
    create table customers (id integer primary key, email text unique, code text, tier text);
    create table prices (sku text, region text, price real, primary key (sku, region)) without rowid;
    insert into prices values ('A', 'EU', 1.5), ('A', 'US', 1.75), ('B', 'EU', 2);
  `);
  const insert = connection.db.prepare('insert into customers values (?, ?, ?, ?)');
  connection.db.transaction(() => {
    for (let i = 1; i <= 2000; i++) insert.run(i, `c${i}@x.com`, String(i * 10), `t${i % 3}`);
  })();
}
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

describeSqlLookup<SqliteConnection>('sqlite.lookup step: what the SQL lookups share', {
  up: true,
  async setup() {
    const c = await connectShared();
    seed(c);
    await closeSqliteConnection(c);
  },
  async teardown() {},
  connect: async () => connectShared(),
  close: closeSqliteConnection,
  of: sqliteLookupStep,
  count: { context: countLookupQueries },
  prices: [1.75, 2, 1.5],
  nulKey: 'notFound',
});

describe('sqlite.lookup step', () => {
  let connection: SqliteConnection;
  let statements = 0;
  const clock = new ManualClock();
  const ctx: Context = countLookupQueries({ ...baseCtx, clock }, (by) => {
    statements += by;
  });
  beforeAll(() => {
    connection = openSqliteConnection(sqliteConnectionConfig.parse({ path: 'erp.db' }), baseCtx);
    seed(connection);
  });
  afterAll(() => closeSqliteConnection(connection));

  const create = async (config: Record<string, unknown>, c: Context = ctx): Promise<Processor> => {
    const p = await sqliteLookupStep.create(
      { config: sqliteLookupStep.config.parse(config), where: 'flow f/step lookup', connection },
      c,
    );
    statements = 0;
    return p;
  };
  const base = {
    connection: 'erp',
    table: 'customers',
    match: { email: 'customer.email' },
    fields: { customer_id: 'id', tier: 'tier' },
  };

  it('is registered as sqlite.lookup', () => {
    expect(sqliteConnector.steps?.map((s) => s.type)).toEqual(['lookup']);
  });

  it('compares values with the column affinity: text for numbers in a text column, numbers for text in an integer one', async () => {
    const byCode = await create({ ...base, match: { code: 'code' }, fields: { email: 'email' }, onMissing: 'null' });
    const r1 = await byCode.process(recs([{ code: 70 }, { code: '80' }, { code: 75 }]), ctx);
    expect(r1.records.map((r) => r.data.email)).toEqual(['c7@x.com', 'c8@x.com', null]);
    const byId = await create({ ...base, match: { id: 'id' }, fields: { email: 'email' }, onMissing: 'null' });
    const r2 = await byId.process(recs([{ id: '7' }, { id: 8 }, { id: 'x' }, { id: { no: 1 } }]), ctx);
    expect(r2.records.map((r) => r.data.email)).toEqual(['c7@x.com', 'c8@x.com', null, null]);
    expect(statements).toBe(1);
  });

  it('with scope shared, a later run asks the store instead of the table', async () => {
    const store = await openStore(':memory:');
    const withState: Context = { ...ctx, state: storeState(store, clock) };
    const config = { ...base, onMissing: 'null', cache: { size: 100, ttl: '1h', scope: 'shared' } };
    const page = recs([{ customer: { email: 'c1@x.com' } }, { customer: { email: 'none@x' } }]);
    const first = await (await create(config, withState)).process(page, withState);
    // the engine stores the fetched answers with the page's commit
    for (const w of first.commit ?? []) await store.putState(w.namespace, w.entries, clock.now());
    const later = await create(config, withState);
    const result = await later.process(page, withState);
    expect(statements).toBe(0);
    expect(result.stats).toMatchObject({ hits: 2, misses: 0, storeHits: 2 });
    expect(result.records.map((r) => r.data.customer_id)).toEqual([1, null]);
    await store.close();
  });

  it('finds a table in the schema named by `schema:`', async () => {
    const p = await create({
      ...base,
      table: 'prices',
      schema: 'main',
      match: { sku: 'sku', region: 'region' },
      fields: { price: 'price' },
    });
    const result = await p.process(recs([{ sku: 'A', region: 'US' }]), ctx);
    expect(result.records.map((r) => r.data.price)).toEqual([1.75]);
  });

  it('a missing table is named in the SQL_ERROR at create', async () => {
    await expect(create({ ...base, table: 'nope' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining('table nope does not exist'),
    });
  });

  it('runs in a flow: the run record holds the step hits, misses and lookupMs; a shared cache serves the next run', async () => {
    writeFileSync(
      join(dir, 'orders.jsonl'),
      ['c1@x.com', 'c2@x.com', 'c1@x.com', 'stranger@x.com']
        .map((email, i) => JSON.stringify({ id: i + 1, email }))
        .join('\n'),
    );
    const yaml = `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: erp.db }
flows:
  enrich:
    source: { connection: files, type: file.jsonl, path: orders.jsonl }
    steps:
      - sqlite.lookup:
          connection: erp
          table: customers
          match: { email: email }
          fields: { customer_id: id }
          onMissing: default
          default: { customer_id: 0 }
          cache: { size: 100, ttl: 10m, scope: shared }
          timeout: 5s
    destinations:
      - { connection: files, type: file.jsonl, path: enriched.jsonl }
`;
    const project = parseProject(yaml, join(dir, 'flow.yaml'), { connectors: builtinConnectors, steps: builtinSteps });
    const store = await openStore(join(dir, 'state.db'));
    const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
    const first = await engine.run(project, 'enrich', { trigger: 'cli' });
    expect(first.status).toBe('succeeded');
    const out = readFileSync(join(dir, 'enriched.jsonl'), 'utf8').trim().split('\n');
    expect(out.map((l) => JSON.parse(l).customer_id)).toEqual([1, 2, 1, 0]);
    const stats = first.counts.steps['sqlite.lookup']?.stats;
    expect(stats).toMatchObject({ hits: 1, misses: 3, notFound: 1, storeHits: 0 });
    expect(stats?.lookupMs).toBeGreaterThanOrEqual(0);
    const second = await engine.run(project, 'enrich', { trigger: 'cli' });
    expect(second.counts.steps['sqlite.lookup']?.stats).toMatchObject({ hits: 4, misses: 0, storeHits: 3 });
    expect((await store.getRun(second.id))?.counts.steps['sqlite.lookup']?.stats).toMatchObject({ storeHits: 3 });
    await store.close();
  });
});
