import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { storeState } from '../../engine/make-context.js';
import { ManualClock } from '../../sdk/clock.js';
import type { Context } from '../../sdk/context.js';
import { FlowError } from '../../sdk/errors.js';
import type { Json, JsonObject } from '../../sdk/json.js';
import { createRecord } from '../../sdk/record.js';
import { testContext } from '../../steps/test-helpers.js';
import { openStore } from '../../store/index.js';
import {
  checkLookupDefault,
  lookupFetchFields,
  lookupMissingFields,
  lookupProcessor,
  tableLookupProcessor,
} from './table-lookup.js';

const customers = new Map<string, JsonObject>([
  ['1', { id: 1, tier: 'gold' }],
  ['2', { id: 2, tier: 'silver' }],
]);
const recs = (ids: (Json | undefined)[]) =>
  ids.map((id, i) => createRecord(id === undefined ? { n: i } : { n: i, customer: { id } }, { id: `r${i + 1}` }));

/** A table lookup over `customers` whose fetches are counted (and may be made slow or failing). */
function lookup(config: Record<string, unknown>, ctx: Context, fetch?: (signal: AbortSignal) => Promise<void>) {
  const calls: string[][] = [];
  const parsed = z
    .object({ fields: z.record(z.string(), z.string()), ...lookupMissingFields, ...lookupFetchFields })
    .superRefine(checkLookupDefault)
    .parse({ fields: { customer_tier: 'tier' }, ...config });
  const processor = tableLookupProcessor(
    {
      where: 'flow f/step lookup',
      type: 'test.lookup',
      connection: { name: 'crm', target: 'test db:1/crm' },
      table: 'customers',
      matchColumns: ['id'],
      matchPaths: ['customer.id'],
      outputs: Object.entries(parsed.fields),
      onMissing: parsed.onMissing,
      default: parsed.default,
      cache: parsed.cache,
      timeout: parsed.timeout,
      async fetch(wanted, c) {
        calls.push([...wanted.keys()]);
        await fetch?.(c.signal);
        return new Map([...wanted.keys()].map((k) => [k, customers.get(k) ?? null]));
      },
    },
    ctx,
  );
  return { processor, calls };
}

describe('lookupProcessor', () => {
  it('fetches each distinct key once per page and reports hits, misses, lookupMs and notFound', async () => {
    const { processor, calls } = lookup({ onMissing: 'null', cache: { size: 10 } }, testContext);
    const first = await processor.process(recs([1, 2, 1, 9, undefined]), testContext);
    expect(calls).toEqual([['1', '2', '9']]);
    expect(first.records.map((r) => r.data.customer_tier)).toEqual(['gold', 'silver', 'gold', null, null]);
    expect(first.stats).toMatchObject({ hits: 1, misses: 3, notFound: 2 });
    expect(first.stats?.lookupMs).toBeGreaterThanOrEqual(0);
    const second = await processor.process(recs([1, 9, 2]), testContext);
    expect(calls).toHaveLength(1);
    expect(second.stats).toEqual({ hits: 3, misses: 0, lookupMs: 0, notFound: 1 });
  });

  it('onMissing default fills the named fields and nulls the others; the config is checked', async () => {
    const { processor } = lookup(
      {
        fields: { customer_tier: 'tier', customer_no: 'id' },
        onMissing: 'default',
        default: { customer_tier: 'none' },
      },
      testContext,
    );
    const result = await processor.process(recs([2, 7]), testContext);
    expect(result.records.map((r) => r.data)).toEqual([
      { n: 0, customer: { id: 2 }, customer_tier: 'silver', customer_no: 2 },
      { n: 1, customer: { id: 7 }, customer_tier: 'none', customer_no: null },
    ]);
    expect(() => lookup({ onMissing: 'default' }, testContext)).toThrow(/onMissing: default needs `default:`/);
    expect(() => lookup({ onMissing: 'default', default: { tier: 'x' } }, testContext)).toThrow(
      /tier.{0,4} is not an output field; default: names fields of `fields:` \(customer_tier\)/,
    );
  });

  it('onMissing error names the key; skip drops the record', async () => {
    const failing = lookup({}, testContext).processor;
    const r = await failing.process(recs([1, 5]), testContext);
    expect(r.failed.map((f) => [f.record.meta.id, f.error.code, f.error.kind, f.error.message, f.error.field])).toEqual(
      [['r2', 'RECORD_NOT_FOUND', 'record', 'no row of customers where id = 5', 'customer.id']],
    );
    const skipping = lookup({ onMissing: 'skip' }, testContext).processor;
    expect((await skipping.process(recs([1, 5]), testContext)).records.map((x) => x.meta.id)).toEqual(['r1']);
  });

  it('a fetch slower than `timeout` fails the page with a transient TIMEOUT naming step, connection and server', async () => {
    let aborted = false;
    const clock = new ManualClock(0); // the time limit is a timer on the run's clock
    const ctx: Context = { ...testContext, clock };
    const { processor } = lookup({ timeout: '50ms' }, ctx, async (signal) => {
      await clock.sleep(2000, signal).catch(() => {
        aborted = true;
      });
    });
    const started = performance.now();
    const error = await clock
      .drive(Promise.resolve(processor.process(recs([1]), ctx)))
      .catch((e: unknown) => e as FlowError);
    expect(clock.now().getTime()).toBe(50);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(error).toMatchObject({ code: 'TIMEOUT', kind: 'transient', where: 'flow f/step lookup' });
    expect((error as FlowError).message).toBe(
      'lookup in connection "crm" (test db:1/crm) took longer than 50ms (timeout) for 1 key',
    );
    expect(aborted).toBe(true);
  });

  it('an error of the connection fails the page with its code and kind, naming the connection and the server', async () => {
    const { processor } = lookup({}, testContext, async () => {
      throw new FlowError('TRANSIENT_IO', 'connect ECONNREFUSED 127.0.0.1:1', { where: 'somewhere' });
    });
    const error = await processor.process(recs([1]), testContext).catch((e: FlowError) => e);
    expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient', where: 'flow f/step lookup' });
    expect((error as FlowError).message).toBe(
      'lookup in connection "crm" (test db:1/crm) failed: connect ECONNREFUSED 127.0.0.1:1',
    );
  });

  it('a record-kind answer fails only the records of that key, and is not cached', async () => {
    const calls: string[] = [];
    const processor = lookupProcessor<string>(
      {
        where: 'flow f/step lookup',
        type: 'test.lookup',
        connection: { name: 'api', target: 'http://api' },
        identity: [],
        fields: ['x'],
        onMissing: 'null',
        cache: { size: 10, ttl: '1m', scope: 'run' },
        timeout: '1s',
        keyOf: (r) => ({ key: String(r.data.k), wanted: String(r.data.k) }),
        async fetch(wanted) {
          calls.push(...wanted.keys());
          return new Map<string, JsonObject | FlowError>(
            [...wanted.keys()].map((k) => [
              k,
              k === 'bad' ? new FlowError('HTTP_REJECTED', '422', { kind: 'record' }) : { x: k },
            ]),
          );
        },
        notFound: () => new FlowError('RECORD_NOT_FOUND', 'none'),
      },
      testContext,
    );
    const page = ['ok', 'bad', 'ok'].map((k, i) => createRecord({ k }, { id: `r${i + 1}` }));
    const result = await processor.process(page, testContext);
    expect(result.records.map((r) => r.data.x)).toEqual(['ok', 'ok']);
    expect(result.failed.map((f) => [f.record.meta.id, f.error.code, f.error.kind, f.error.message])).toEqual([
      ['r2', 'HTTP_REJECTED', 'record', 'record r2: 422'],
    ]);
    await processor.process(page, testContext);
    expect(calls).toEqual(['ok', 'bad', 'bad']);
  });

  it('scope shared: a later run is answered from the store (storeHits), within the ttl of the first fetch', async () => {
    const clock = new ManualClock();
    const store = await openStore(':memory:');
    const ctx: Context = { ...testContext, clock, state: storeState(store, clock) };
    const config = { onMissing: 'null', cache: { size: 100, ttl: '10m', scope: 'shared' } };
    const run1 = lookup(config, ctx);
    const first = await run1.processor.process(recs([1, 2, 3]), ctx);
    expect(first.stats).toMatchObject({ hits: 0, misses: 3, storeHits: 0 });
    // the engine stores the fetched answers with the page's commit (none are written before)
    expect(await store.scanState(first.commit?.[0]?.namespace as string, undefined, 10)).toEqual([]);
    for (const w of first.commit ?? []) await store.putState(w.namespace, w.entries, clock.now());
    const run2 = lookup(config, ctx);
    const again = await run2.processor.process(recs([1, 2, 3, 4]), ctx);
    expect(run2.calls).toEqual([['4']]);
    expect(again.stats).toMatchObject({ hits: 3, misses: 1, storeHits: 3, notFound: 2 });
    expect(again.records.map((r) => r.data.customer_tier)).toEqual(['gold', 'silver', null, null]);
    clock.advance(10 * 60_000);
    const run3 = lookup(config, ctx);
    await run3.processor.process(recs([1, 4]), ctx);
    expect(run3.calls).toEqual([['1', '4']]);
    await store.close();
  });
});
