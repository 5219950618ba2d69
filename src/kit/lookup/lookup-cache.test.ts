import { describe, expect, it } from 'vitest';
import { storeState } from '../../engine/make-context.js';
import { ManualClock } from '../../sdk/clock.js';
import type { Context } from '../../sdk/context.js';
import { parseDuration } from '../../sdk/duration.js';
import { testContext } from '../../steps/test-helpers.js';
import { openStore } from '../../store/index.js';
import { LookupCache, lookupCacheConfig, lookupNamespace, SharedLookupCache } from './lookup-cache.js';

describe('LookupCache', () => {
  it('evicts the least recently used entry beyond its size and expires entries after the ttl', () => {
    const clock = new ManualClock();
    const cache = new LookupCache(2, 1000, clock);
    cache.set('a', { id: 1 });
    cache.set('b', null);
    expect(cache.get('a')).toEqual({ id: 1 });
    cache.set('c', { id: 3 });
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toEqual({ id: 1 });
    clock.advance(1000);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.count).toBe(1);
  });

  it('moves a used entry to the recent end once it is older than half the size, so hits stay cheap', () => {
    const clock = new ManualClock();
    const cache = new LookupCache(4, 60_000, clock);
    for (const k of ['a', 'b', 'c', 'd']) cache.set(k, { k });
    expect(cache.get('a')).toEqual({ k: 'a' }); // 4 insertions since: moved
    expect(cache.get('d')).toEqual({ k: 'd' }); // the newest: stays where it is
    cache.set('e', null);
    cache.set('f', null);
    expect(['a', 'b', 'c', 'd'].map((k) => cache.get(k) !== undefined)).toEqual([true, false, false, true]);
    expect(cache.count).toBe(4);
  });

  it('is built from a step config with a readable ttl', () => {
    const config = lookupCacheConfig.parse({ ttl: '2s' });
    const clock = new ManualClock();
    const cache = LookupCache.from(config, clock);
    cache?.set('k', null);
    clock.advance(1999);
    expect(cache?.get('k')).toBeNull();
    expect(LookupCache.from(undefined, clock)).toBeUndefined();
    expect(() => lookupCacheConfig.parse({ ttl: '10 minutes' })).toThrow(/duration/);
  });

  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['10m', 600_000],
    ['1.5h', 5_400_000],
    [250, 250],
    ['soon', undefined],
    [-1, undefined],
  ] as const)('parseDuration(%j) = %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('SharedLookupCache', () => {
  it('keeps answers in the store across runs, and their age with them: the ttl counts from the fetch', async () => {
    const clock = new ManualClock();
    const store = await openStore(':memory:');
    const ctx: Context = { ...testContext, clock, state: storeState(store, clock) };
    const config = lookupCacheConfig.parse({ size: 10, ttl: '10m', scope: 'shared' });
    const first = SharedLookupCache.from(config, 'lookup:t:erp:abc', clock);
    const write = first?.remember(
      new Map([
        ['a', { id: 1 }],
        ['b', null],
      ]),
      ctx,
    );
    // what the engine does with the page's commit
    expect(write?.namespace).toBe('lookup:t:erp:abc');
    await store.putState(write?.namespace as string, write?.entries ?? [], clock.now());
    clock.advance(4 * 60_000);
    // a later run: nothing in memory, both answers from the store (the miss too)
    const second = SharedLookupCache.from(config, 'lookup:t:erp:abc', clock);
    expect(second?.memory.get('a')).toBeUndefined();
    expect(await second?.recall(['a', 'b', 'c'], ctx)).toEqual(
      new Map<string, unknown>([
        ['a', { id: 1 }],
        ['b', null],
      ]),
    );
    expect(second?.memory.get('a')).toEqual({ id: 1 });
    // the memory copy expires with the stored age, not 10 minutes after it was read
    clock.advance(6 * 60_000);
    expect(second?.memory.get('a')).toBeUndefined();
    const third = SharedLookupCache.from(config, 'lookup:t:erp:abc', clock);
    expect(await third?.recall(['a', 'b'], ctx)).toEqual(new Map());
    // other namespaces never see these answers; expired ones were purged by the first recall of the run
    expect(await store.scanState('lookup:t:erp:abc', undefined, 10)).toEqual([]);
    await store.close();
  });

  it('works per run when the scope is run, or when there is no store (preview)', async () => {
    const clock = new ManualClock();
    const store = await openStore(':memory:');
    const withStore: Context = { ...testContext, clock, state: storeState(store, clock) };
    const perRun = SharedLookupCache.from(lookupCacheConfig.parse({}), 'lookup:t:erp:x', clock);
    expect(perRun?.shared).toBe(false);
    expect(perRun?.remember(new Map([['a', { id: 1 }]]), withStore)).toBeUndefined();
    expect(perRun?.memory.get('a')).toEqual({ id: 1 });
    expect(await store.scanState('lookup:t:erp:x', undefined, 10)).toEqual([]);
    const preview = SharedLookupCache.from(lookupCacheConfig.parse({ scope: 'shared' }), 'lookup:t:erp:x', clock);
    expect(preview?.remember(new Map([['a', { id: 1 }]]), { ...testContext, clock })).toBeUndefined();
    expect(await preview?.recall(['b'], { ...testContext, clock })).toEqual(new Map());
    expect(preview?.memory.get('a')).toEqual({ id: 1 });
    expect(SharedLookupCache.from(undefined, 'x', clock)).toBeUndefined();
    await store.close();
  });

  it('names the namespace after the step type, the connection and a hash of the question', () => {
    const a = lookupNamespace('postgres.lookup', 'erp', ['postgres db:5432/erp', 'customers', ['email']]);
    expect(a).toMatch(/^lookup:postgres\.lookup:erp:[0-9a-f]{20}$/);
    expect(lookupNamespace('postgres.lookup', 'erp', ['postgres db:5432/erp', 'customers', ['id']])).not.toBe(a);
    expect(lookupNamespace('postgres.lookup', 'erp', ['postgres db:5432/erp', 'customers', ['email']])).toBe(a);
  });
});
