import { describe, expect, it } from 'vitest';
import { arrayLiteral, copyField, escapeCopy, unescapeCopy } from './copy-text.js';
import { qualifiedName, quoteIdent, sqlLiteral, toInline, toPositional } from './sql-text.js';

describe('sql text', () => {
  it('quotes identifiers, doubling quotes; refuses NUL', () => {
    expect(quoteIdent('a"b; --')).toBe('"a""b; --"');
    expect(qualifiedName('t', 's"x')).toBe('"s""x"."t"');
    expect(() => quoteIdent('a\0b')).toThrow(/NUL/);
  });

  it('turns :names into $n outside quotes, dollar quotes, comments and casts', () => {
    const r = toPositional(
      'select \':a\', "x:a", $$ :a $$, $t$:a$t$ from t -- :a\n where a = :a and b = :b::int and c = :a /* :b */',
      { a: 1, b: { x: [1] } },
      'w',
      2,
    );
    expect(r.text).toBe(
      'select \':a\', "x:a", $$ :a $$, $t$:a$t$ from t -- :a\n where a = $3 and b = $4::int and c = $3 /* :b */',
    );
    expect(r.values).toEqual([1, '{"x":[1]}']);
    expect(() => toPositional('select :missing', {}, 'w')).toThrow(/missing/);
  });

  it.each([
    ['E-string with an escaped quote', "select E'it\\'s :a' where x = :a", "select E'it\\'s :a' where x = $1"],
    ['e-string with an escaped backslash last', "select e'\\\\' || :a, E'x\\':a'", "select e'\\\\' || $1, E'x\\':a'"],
    ['an identifier ending in E is not an E-string', "select some'x' , :a", "select some'x' , $1"],
    ['standard string: backslash is plain text', "select 'a\\' || :a", "select 'a\\' || $1"],
    ['dollar quote with a tag', 'select $fn$ :a $x$ :a $fn$, :a', 'select $fn$ :a $x$ :a $fn$, $1'],
    ['$n placeholders and identifiers with $ are not dollar quotes', 'select a$b$ :a, $1', 'select a$b$ $1, $1'],
    ['nested block comments', 'select /* a /* :a */ :a */ :a', 'select /* a /* :a */ :a */ $1'],
    [
      'quoted identifier with a doubled quote',
      'select "x"":a" from t where y = :a',
      'select "x"":a" from t where y = $1',
    ],
    ['casts, also after a name', 'select :a::text, x::int, array[1:2]', 'select $1::text, x::int, array[1:2]'],
  ])('leaves :names alone inside %s', (_, sql, text) => {
    expect(toPositional(sql, { a: 1 }, 'w').text).toBe(text);
  });

  it('inlines values as literals of unknown type for COPY: quotes doubled, backslashes in E-strings', () => {
    expect([null, undefined, 42, true, "it's", 'a\\b', { x: ["'"] }].map(sqlLiteral)).toEqual([
      'NULL',
      'NULL',
      "'42'",
      "'true'",
      "'it''s'",
      "E'a\\\\b'",
      `'{"x":["''"]}'`,
    ]);
    expect(toInline("select ':a' where a = :a and b = :b::int -- :a", { a: "o'k", b: 7 }, 'w')).toBe(
      "select ':a' where a = 'o''k' and b = '7'::int -- :a",
    );
    expect(() => toInline('select :missing', {}, 'w')).toThrow(/missing/);
  });

  it('reads COPY text fields back', () => {
    expect(unescapeCopy('plain')).toBe('plain');
    expect(unescapeCopy('a\\\\b\\tc\\nd\\re\\bf\\fg\\vh\\N')).toBe('a\\b\tc\nd\re\bf\fg\vhN');
    expect(unescapeCopy(escapeCopy('x\\\t\n\ry'))).toBe('x\\\t\n\ry');
  });

  it('escapes COPY text fields', () => {
    expect(escapeCopy('a\\b\tc\nd\re')).toBe('a\\\\b\\tc\\nd\\re');
    expect([null, undefined, true, 1.5, 'x', { a: '\t' }].map((v) => copyField(v))).toEqual([
      '\\N',
      '\\N',
      'true',
      '1.5',
      'x',
      '{"a":"\\\\t"}',
    ]);
    expect(arrayLiteral(['a"b', null, 'c\\d', [1, 2]])).toBe('{"a\\"b",NULL,"c\\\\d",{"1","2"}}');
    expect(copyField(['x', null], true)).toBe('{"x",NULL}');
  });
});
