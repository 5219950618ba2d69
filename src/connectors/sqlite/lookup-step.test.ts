import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

const { dir, ctx: baseCtx } = tempContext('syncline-sqlite-lookup-');
const recs = (rows: JsonObject[]) => rows.map((data, i) => createRecord(data, { id: `r${i + 1}` }));

describe('sqlite.lookup step', () => {
  let connection: SqliteConnection;
  let statements = 0;
  const clock = new ManualClock();
  const ctx: Context = {
    ...baseCtx,
    clock,
    metrics: {
      increment: (name, by = 1) => {
        if (name === 'sqlite_lookup_queries') statements += by;
      },
      observe() {},
    },
  };
  beforeAll(() => {
    connection = openSqliteConnection(sqliteConnectionConfig.parse({ path: 'erp.db' }), baseCtx);
    connection.db.exec(`
      create table customers (id integer primary key, email text unique, code text, tier text);
      create table prices (sku text, region text, price real, primary key (sku, region)) without rowid;
      insert into prices values ('A', 'EU', 1.5), ('A', 'US', 1.75), ('B', 'EU', 2);
    `);
    const insert = connection.db.prepare('insert into customers values (?, ?, ?, ?)');
    connection.db.transaction(() => {
      for (let i = 1; i <= 2000; i++) insert.run(i, `c${i}@x.com`, String(i * 10), `t${i % 3}`);
    })();
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

  it('enriches a page of 1000 records with one statement, and reports hits and misses', async () => {
    const p = await create(base);
    const page = recs(
      Array.from({ length: 1000 }, (_, i) => ({ n: i, customer: { email: `c${(i % 700) + 1}@x.com` } })),
    );
    const result = await p.process(page, ctx);
    expect(statements).toBe(1);
    expect(result.failed).toEqual([]);
    expect(result.records).toHaveLength(1000);
    expect(result.records[701]?.data).toEqual({ n: 701, customer: { email: 'c2@x.com' }, customer_id: 2, tier: 't2' });
    expect(result.stats).toMatchObject({ hits: 300, misses: 700, notFound: 0 });
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

  it('matches on several columns with one statement', async () => {
    const p = await create({
      ...base,
      table: 'prices',
      schema: 'main',
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
    expect(statements).toBe(1);
    expect(result.records.map((r) => r.data.price)).toEqual([1.75, 2, null, 1.5]);
  });

  // onMissing skip, null and default: the conformance suite (conformance.test.ts)
  it('onMissing error names the field and the value; stats count the record not found', async () => {
    const p = await create({ ...base, onMissing: 'error' });
    const result = await p.process(
      recs([{ customer: { email: 'c5@x.com' } }, { customer: { email: 'nobody@x' } }]),
      ctx,
    );
    expect(result.records).toHaveLength(1);
    expect(result.failed.map((f) => [f.error.code, f.error.field, f.error.message])).toEqual([
      ['RECORD_NOT_FOUND', 'customer.email', 'no row of customers where email = "nobody@x"'],
    ]);
    expect(result.stats).toMatchObject({ notFound: 1 });
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

  it('fails at create with SQL_ERROR for a missing table or column, and checks default:', async () => {
    await expect(create({ ...base, table: 'nope' })).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringContaining('table nope does not exist'),
    });
    await expect(create({ ...base, fields: { x: 'nah' } })).rejects.toMatchObject({ code: 'SQL_ERROR', field: 'nah' });
    expect(sqliteLookupStep.config.safeParse({ ...base, onMissing: 'default' }).success).toBe(false);
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
