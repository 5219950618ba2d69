import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { closest, levenshtein } from './closest.js';
import { findUnknownKeys } from './unknown-keys.js';

describe('findUnknownKeys', () => {
  const nested = z.object({
    name: z.string(),
    options: z.object({ retries: z.number() }).optional(),
    rules: z.array(z.strictObject({ field: z.string() })).default([]),
    loose: z.looseObject({ a: z.string() }).optional(),
    byName: z.record(z.string(), z.object({ on: z.boolean() })).optional(),
    either: z.union([z.string(), z.object({ from: z.string() })]).optional(),
    both: z.intersection(z.object({ a: z.string() }), z.object({ b: z.string() })).optional(),
    piped: z
      .object({ n: z.string() })
      .transform((v) => v.n)
      .optional(),
    lazy: z.lazy(() => z.object({ deep: z.string() })).optional(),
  });

  it('finds nothing in a valid value', () => {
    expect(findUnknownKeys(nested, { name: 'x', rules: [{ field: 'f' }], loose: { a: 'a', extra: 1 } })).toEqual([]);
  });

  it('finds unknown keys at every depth, through wrappers, arrays, records, unions, intersections, pipes and lazies', () => {
    const found = findUnknownKeys(nested, {
      name: 'x',
      nmae: 'typo',
      options: { retries: 1, retires: 2 },
      rules: [{ field: 'f' }, { field: 'g', feild: 'h' }],
      loose: { a: 'a', anything: true },
      byName: { x: { on: true, of: false } },
      either: { from: 'a', form: 'b' },
      both: { a: '1', b: '2', c: '3' },
      piped: { n: 'n', m: 'm' },
      lazy: { deep: 'd', deeper: 'e' },
    });
    expect(found.map((u) => [u.path.join('.'), u.key])).toEqual([
      ['', 'nmae'],
      ['options', 'retires'],
      ['rules.1', 'feild'],
      ['byName.x', 'of'],
      ['either', 'form'],
      ['both', 'c'],
      ['piped', 'm'],
      ['lazy', 'deeper'],
    ]);
    expect(found[1]?.known).toEqual(['retries']);
    expect(found[5]?.known).toEqual(['a', 'b']);
  });

  it('looks into the union branch most likely meant when none accepts the value', () => {
    const schema = z.object({ u: z.union([z.string(), z.strictObject({ from: z.string() })]) });
    expect(findUnknownKeys(schema, { u: { form: 'a' } })).toEqual([{ path: ['u'], key: 'form', known: ['from'] }]);
    expect(findUnknownKeys(schema, { u: 3 })).toEqual([]);
  });

  it('looks into the keys a catchall schema validates', () => {
    const schema = z.object({ $keep: z.boolean().optional() }).catchall(z.object({ from: z.string() }));
    expect(findUnknownKeys(schema, { $keep: true, email: { from: 'e', form: 'x' } })).toEqual([
      { path: ['email'], key: 'form', known: ['from'] },
    ]);
    expect(findUnknownKeys(z.object({}).catchall(z.unknown()), { anything: { at: 'all' } })).toEqual([]);
  });
});

describe('closest', () => {
  it.each([
    ['pth', ['path', 'table'], 'path'],
    ['fiel', ['file', 'sqlite'], 'file'],
    ['upsertt', ['insert', 'update', 'upsert'], 'upsert'],
    ['Source', ['source', 'steps'], 'source'],
    ['banana', ['source', 'steps'], undefined],
    ['x', ['y', 'ab'], 'y'],
  ] as const)('%s in %j → %s', (word, candidates, expected) => {
    expect(closest(word, candidates)).toBe(expected);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(levenshtein('fiel', 'file')).toBe(1);
    expect(levenshtein('kitten', 'sitting')).toBe(3);
    expect(levenshtein('', 'abc')).toBe(3);
  });
});
