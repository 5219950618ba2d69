import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../sdk/json.js';
import { compilePath, formatSegments, parsePath, pathSchema, readPath, resolvePath } from './path.js';

const data: JsonObject = {
  name: '#1',
  customer: { address: { city: 'Berlin', geo: { lat: 52.5 } }, tags: ['a', 'b'] },
  lines: [{ sku: 'A' }, { sku: 'B' }],
  'a.b': 1,
  '@odata.nextLink': 'https://x/next',
  'a]b': 'bracket',
  data: [{ id: 1 }, { id: 7 }],
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
    ['["@odata.nextLink"]', 'https://x/next'],
    ["['@odata.nextLink']", 'https://x/next'],
    ['@odata.nextLink', undefined],
    ['["a]b"]', 'bracket'],
    ['data[-1].id', 7],
    ['data[-3].id', undefined],
    ['data.1.id', 7],
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
    ['a["b]', 'unclosed quote'],
  ])('rejects %j (%s)', (path, message) => {
    expect(parsePath(path)).toContain(message);
  });

  it('splits once into segments', () => {
    expect(parsePath('lines[0].sku')).toEqual(['lines', 0, 'sku']);
    expect(parsePath('a.0.b[-2]["c.d"]')).toEqual(['a', 0, 'b', -2, 'c.d']);
  });
});

describe('path helpers', () => {
  it('pathSchema rejects a malformed path with the reason and the syntax', () => {
    expect(pathSchema.safeParse('data[-1].id').success).toBe(true);
    const bad = pathSchema.safeParse('data[last].id');
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toMatch(/bad path "data\[last\]\.id": "\[last\]" is neither.*meta\["a\.b"\]/);
  });

  it('readPath reads from any value, primitives and null included', () => {
    expect(readPath(null, ['a'])).toBeUndefined();
    expect(readPath('text', [0])).toBeUndefined();
    expect(readPath({ a: [1, 2] }, ['a', -1])).toBe(2);
  });

  it('resolvePath tells an absent key from an absent parent', () => {
    expect(resolvePath({ meta: {} }, ['meta', 'next'])).toEqual({ found: 1, parent: {}, value: undefined });
    expect(resolvePath({}, ['meta', 'next'])).toEqual({ found: 0, parent: {}, value: undefined });
    expect(resolvePath({ meta: { next: 'c' } }, ['meta', 'next'])).toEqual({
      found: 2,
      parent: { next: 'c' },
      value: 'c',
    });
  });

  it('formatSegments writes a path that parses back to the same segments', () => {
    for (const path of ['a.b', '["@odata.nextLink"]', 'data[-1].id', 'a["b c"][0]', 'x["0"]']) {
      const segments = parsePath(path);
      if (typeof segments === 'string') throw new Error(segments);
      expect(parsePath(formatSegments(segments))).toEqual(segments);
    }
  });
});
