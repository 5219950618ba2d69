import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../sdk/index.js';
import { compilePath, parsePath } from './path.js';

const data: JsonObject = {
  name: '#1',
  customer: { address: { city: 'Berlin', geo: { lat: 52.5 } }, tags: ['a', 'b'] },
  lines: [{ sku: 'A' }, { sku: 'B' }],
  'a.b': 1,
  meta: { 'x.y': 'dotted', '0': 'zero-key' },
  empty: null,
  list: [],
};

describe('paths', () => {
  it.each<[string, Json | undefined]>([
    ['name', '#1'],
    ['customer.address.city', 'Berlin'],
    ['customer.address.geo.lat', 52.5],
    ['lines[0].sku', 'A'],
    ['lines.0.sku', 'A'],
    ['lines[1].sku', 'B'],
    ['lines[-1].sku', 'B'],
    ['lines[2].sku', undefined],
    ['customer.tags[1]', 'b'],
    ['["a.b"]', 1],
    ['meta["x.y"]', 'dotted'],
    ["meta['x.y']", 'dotted'],
    ['meta.0', 'zero-key'],
    ['missing', undefined],
    ['missing.deeper.still', undefined],
    ['name.length', undefined],
    ['empty.x', undefined],
    ['empty', null],
    ['constructor', undefined],
    ['customer.toString', undefined],
    ['__proto__', undefined],
    ['lines.length', 2],
    ['customer.address.city.x', undefined],
  ])('%s → %j', (path, expected) => {
    const read = compilePath(path);
    if (typeof read === 'string') throw new Error(read);
    expect(read(data)).toEqual(expected);
  });

  it.each([
    ['a..b', 'empty segment'],
    ['.a', 'empty segment'],
    ['a.', 'ends with'],
    ['a[0', 'unclosed'],
    ['a[x]', 'neither an index'],
    ['a[0]b', 'expected "."'],
    ['', 'empty path'],
  ])('rejects %j (%s)', (path, message) => {
    expect(parsePath(path)).toContain(message);
  });

  it('splits once into segments', () => {
    expect(parsePath('lines[0].sku')).toEqual(['lines', 0, 'sku']);
    expect(parsePath('a.0.b[-2]["c.d"]')).toEqual(['a', 0, 'b', -2, 'c.d']);
  });
});
