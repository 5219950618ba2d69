import { describe, expect, it } from 'vitest';
import { bindNamed } from './named-params.js';

describe('bindNamed', () => {
  it.each([
    ['select * from t where a = :a', { a: 1 }, 'select * from t where a = 1'],
    ['a = :a and b = :b_2', { a: "it's", b_2: null }, "a = 'it\\'s' and b = NULL"],
    ['x = \':a\' and y = "it\\":a" and `c:a` = :a', { a: true }, 'x = \':a\' and y = "it\\":a" and `c:a` = 1'],
    ["s = 'it''s :a' and n = :a", { a: 'v' }, "s = 'it''s :a' and n = 'v'"],
    ['a = :a -- :b\nand c = :a # :b\n/* :b */', { a: 2 }, 'a = 2 -- :b\nand c = 2 # :b\n/* :b */'],
    ['select @x := 1, :a, 12:30', { a: [1, 'x'] }, 'select @x := 1, \'[1,\\"x\\"]\', 12:30'],
    ["a = '?' and b = :b", { b: "'; drop table t; --" }, "a = '?' and b = '\\'; drop table t; --'"],
  ])('%s', (sql, params, expected) => {
    expect(bindNamed(sql, params, 'q')).toBe(expected);
  });

  it('fails with SQL_ERROR naming a parameter without value', () => {
    expect(() => bindNamed('a = :missing', {}, 'my query')).toThrow(
      expect.objectContaining({ code: 'SQL_ERROR', message: expect.stringContaining(':missing') }),
    );
  });
});
