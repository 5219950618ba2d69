import { describe, expect, it } from 'vitest';
import type { Json } from '../../sdk/index.js';
import { canonical, hashValues, instantOf, sameValue } from './sync-values.js';

type Case = readonly [Json | undefined, Json | undefined];

const equal: readonly Case[] = [
  [null, undefined],
  [null, null],
  [1, '1'],
  [1.5, '1.50'],
  ['1.50', '1.5000'],
  [-0, 0],
  ['-0', 0],
  ['-0.0', '0'],
  ['10', 10],
  [100, '100.00'],
  [1e21, '1000000000000000000000'],
  [1e-7, '0.0000001'],
  [-2.5, '-2.50'],
  [true, 1],
  [true, 'true'],
  [false, 0],
  [false, 'false'],
  ['true', '1'],
  [false, '0.0'],
  ['2024-01-02T10:00:00Z', '2024-01-02T10:00:00.000Z'],
  ['2024-01-02T10:00:00Z', '2024-01-02T10:00:00+00:00'],
  ['2024-01-02T10:00:00Z', '2024-01-02 10:00:00'],
  ['2024-01-02T12:00:00+02:00', '2024-01-02T10:00:00Z'],
  ['2024-01-02T10:00:00.123456Z', '2024-01-02T10:00:00.123Z'],
  ['2024-01-02T10:00', '2024-01-02T10:00:00Z'],
  [
    { b: 1, a: [1, 2] },
    { a: [1, 2], b: 1 },
  ],
  [[], []],
  ['text', 'text'],
];

const different: readonly Case[] = [
  [null, ''],
  [null, 0],
  [null, false],
  ['', 0],
  [1, '1.01'],
  ['007', 7],
  ['007', '7'],
  ['+1', 1],
  ['1e3', 1000],
  [' 1', 1],
  ['12345678901234567890', '12345678901234567891'],
  ['TRUE', true],
  ['yes', true],
  [2, true],
  ['a', 'A'],
  ['a ', 'a'],
  ['2024-01-02', '2024-01-02T00:00:00Z'],
  ['2024-01-02T10:00:00Z', '2024-01-02T10:00:01Z'],
  ['2024-01-02T10:00:00+01:00', '2024-01-02T10:00:00Z'],
  ['2024-13-02T10:00:00Z', '2024-12-02T10:00:00Z'],
  [{ a: 1 }, { a: '1' }],
  [
    [1, 2],
    [2, 1],
  ],
  [{ a: 1 }, '{"a":1}'],
  ["'x", 'x'],
];

describe('sameValue', () => {
  it.each(equal)('%j equals %j', (x, y) => {
    expect(sameValue(x, y)).toBe(true);
    expect(sameValue(y, x)).toBe(true);
  });
  it.each(different)('%j differs from %j', (x, y) => {
    expect(sameValue(x, y)).toBe(false);
    expect(sameValue(y, x)).toBe(false);
  });
});

describe('hashValues', () => {
  const names = ['x', 'y'];
  it.each(equal)('the same for %j and %j', (x, y) => {
    expect(hashValues(names, { x, y: 'k' })).toBe(hashValues(names, { x: y, y: 'k' }));
  });
  it.each(different)('differs for %j and %j', (x, y) => {
    expect(hashValues(names, { x, y: 'k' })).not.toBe(hashValues(names, { x: y, y: 'k' }));
  });
  it('is a SHA-1 of the fields in order, values never run together', () => {
    expect(hashValues(names, { x: 'a', y: 'b' })).toMatch(/^[0-9a-f]{40}$/);
    expect(hashValues(names, { x: 'a', y: 'b' })).not.toBe(hashValues(names, { x: 'b', y: 'a' }));
    expect(hashValues(names, { x: 'ab', y: '' })).not.toBe(hashValues(names, { x: 'a', y: 'b' }));
    expect(hashValues(names, { x: "1:'a", y: null })).not.toBe(hashValues(names, { x: '', y: 'a' }));
    // fields not named are not hashed; a missing one is null
    expect(hashValues(names, { x: 1, y: null, z: 5 })).toBe(hashValues(names, { x: '1' }));
  });
  // Micro-bench (2026-12-07, 2 cores shared with other jobs, noisy): 1M records of 8 fields (text,
  // numbers, an ISO instant, null): ~1.8 µs a record for canonical tokens + SHA-1 (plain node on an
  // esbuild bundle; ~2.5 µs under tsx), ~4.6 s for 1M in this test under vitest (building the records
  // included). The one-shot crypto.hash() costs a third of createHash().update().digest() (1.0 vs 2.7 µs).
  // Staging a record of 7 fields (extract + hash + match key) ~1.5 µs; planPair of a linked pair with one
  // field changed ~4 µs (plain node). Run it with SYNCLINE_BENCH=1.
  it.skipIf(process.env.SYNCLINE_BENCH === undefined)('hashes 1M records of 8 fields', () => {
    const fields = ['id', 'email', 'name', 'amount', 'qty', 'active', 'updated', 'note'];
    const started = performance.now();
    for (let i = 0; i < 1_000_000; i++)
      hashValues(fields, {
        id: i,
        email: `user${i}@example.com`,
        name: 'Ada Lovelace',
        amount: '1234.50',
        qty: i % 7,
        active: i % 2 === 0,
        updated: '2024-01-02T10:00:00.000Z',
        note: null,
      });
    console.log(`hashValues: 1M records in ${Math.round(performance.now() - started)} ms`);
  });
});

describe('canonical', () => {
  it('gives each kind of value its own prefix, so a text never equals a number, instant or JSON', () => {
    expect([null, 'x', 1, true, '2024-01-02T10:00:00Z', { a: 1 }, [1]].map(canonical)).toEqual([
      '~',
      "'x",
      '#1',
      '#1',
      `@${Date.UTC(2024, 0, 2, 10)}`,
      '{"a":1}',
      '[1]',
    ]);
  });
});

describe('instantOf', () => {
  it.each([
    ['2024-01-02T10:00:00Z', Date.UTC(2024, 0, 2, 10)],
    ['2024-01-02T12:00:00+02:00', Date.UTC(2024, 0, 2, 10)],
    ['2024-01-02 10:00:00', Date.UTC(2024, 0, 2, 10)],
    [1_704_189_600, Date.UTC(2024, 0, 2, 10)],
    [1_704_189_600_000, Date.UTC(2024, 0, 2, 10)],
    ['1704189600000', Date.UTC(2024, 0, 2, 10)],
  ] as const)('%j is %d', (value, ms) => {
    expect(instantOf(value)).toBe(ms);
  });
  it.each([null, '', 'yesterday', true, { at: 1 }])('%j is no time', (value) => {
    expect(instantOf(value as Json)).toBeNaN();
  });
});
