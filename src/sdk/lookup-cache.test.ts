import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { parseDuration } from './duration.js';
import { LookupCache, lookupCacheConfig } from './lookup-cache.js';

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
