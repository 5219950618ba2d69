import { describe, expect, it } from 'vitest';
import { pathReader } from './path.js';
import { compileJsonTemplate, compileTemplate } from './template.js';

describe('kit template (the one {{path}} renderer)', () => {
  it('compiles paths and templates; a lone placeholder keeps its JSON type', () => {
    expect(pathReader('a.b.0')({ a: { b: ['x'] } })).toBe('x');
    expect(pathReader('a.c')({ a: 1 })).toBeUndefined();
    const t = compileTemplate('/c/{{ id }}/o/{{o.n}}');
    const missing: string[] = [];
    expect(t.render({ id: 'a/b' }, encodeURIComponent, missing)).toBe('/c/a%2Fb/o/');
    expect([t.fields, missing]).toEqual([['id', 'o.n'], ['o.n']]);
    const body = compileJsonTemplate({ n: '{{qty}}', s: 'x{{qty}}', k: [1, '{{tags}}'], f: false });
    expect(body({ qty: 3, tags: ['a'] })).toEqual({ n: 3, s: 'x3', k: [1, ['a']], f: false });
  });

  it('reads placeholders with the path language: negative indexes, quoted keys', () => {
    const data = { lines: [{ sku: 'A' }, { sku: 'B' }], meta: { 'a.b': 7 }, tags: ['x', 'y'], o: { k: 1 } };
    expect(compileTemplate('{{lines[-1].sku}}-{{meta["a.b"]}}').render(data)).toBe('B-7');
    expect(compileTemplate('{{lines.0.sku}}/{{lines[1].sku}}').render(data)).toBe('A/B');
    // request templates print objects as JSON; the map step's (string) as Handlebars does
    expect(compileTemplate('{{tags}} {{o}}').render(data)).toBe('["x","y"] {"k":1}');
    expect(compileTemplate('{{tags}} {{o}}', 'string').render(data)).toBe('x,y [object Object]');
    expect(compileTemplate('{{tags}}', 'string').render(data)).toBe('x,y');
    expect(compileTemplate('a {{missing}} b', 'string').render(data)).toBe('a  b');
    expect(compileTemplate('{{nothing}}').render({ nothing: null })).toBe('');
    expect(compileTemplate('{{a}}{{b}}').render({ a: 1, b: false })).toBe('1false');
    expect(compileTemplate('x {{a}} y {{b}} z').render({ a: 1, b: 2 })).toBe('x 1 y 2 z');
  });

  it('a malformed placeholder path is a config error naming the fix', () => {
    expect(() => compileTemplate('{{a..b}}')).toThrow(/bad path "a..b"/);
  });
});
