import { describe, expect, it } from 'vitest';
import { defineErrors } from './define-errors.js';
import { errorRegistry } from './error-registry.js';

const entry = { kind: 'record', summary: 'A thing went wrong here.', fix: 'Fix the thing.' } as const;

describe('errorRegistry', () => {
  it('lists the core catalog first, and a catalog shared by several connectors once with each of them', () => {
    const shared = defineErrors('kit/x', { X_SHARED: entry });
    const own = defineErrors('connectors/b', { B_OWN: entry });
    const registry = errorRegistry([
      { name: 'a', errors: [shared] },
      { name: 'b', errors: [shared, own] },
      { name: 'c' },
    ]);
    expect(registry.catalogs.map((c) => [c.catalog.owner, c.connectors])).toEqual([
      ['sdk', []],
      ['kit/x', ['a', 'b']],
      ['connectors/b', ['b']],
    ]);
    expect(registry.entry('B_OWN')).toBe(entry);
    expect(registry.entry('CONFIG_INVALID')?.kind).toBe('config');
    expect(registry.entry('NOWHERE')).toBeUndefined();
  });

  it('refuses one code defined by two catalogs (a copy, or a connector redefining a core code)', () => {
    const a = defineErrors('connectors/a', { DUP: entry });
    const b = defineErrors('connectors/b', { DUP: entry });
    expect(() =>
      errorRegistry([
        { name: 'a', errors: [a] },
        { name: 'b', errors: [b] },
      ]),
    ).toThrow('error code DUP is defined by both connectors/a and connectors/b');
    const core = defineErrors('connectors/c', { INTERNAL: entry });
    expect(() => errorRegistry([{ name: 'c', errors: [core] }])).toThrow(
      'INTERNAL is defined by both sdk and connectors/c',
    );
  });
});

describe('defineErrors', () => {
  it("builds a FlowError with the code's kind and fix as hint, unless the options say otherwise", () => {
    const errors = defineErrors('connectors/z', {
      Z_BUSY: { kind: 'transient', summary: 'It is busy now.', fix: 'Wait.' },
    });
    const e = errors.fail('Z_BUSY', 'busy', { where: 'z' });
    expect([e.code, e.kind, e.hint, e.where]).toEqual(['Z_BUSY', 'transient', 'Wait.', 'z']);
    expect(errors.fail('Z_BUSY', 'x', { kind: 'config', hint: 'mine' }).toJSON()).toMatchObject({
      kind: 'config',
      hint: 'mine',
    });
    const listed = defineErrors('connectors/y', {
      Y_GONE: { kind: 'config', summary: 'It is gone now.', fix: 'List them.', next: [{ action: 'secrets.list' }] },
    });
    expect(listed.fail('Y_GONE', 'x').next).toEqual([{ action: 'secrets.list' }]);
    expect(listed.fail('Y_GONE', 'x', { hint: 'mine' }).next).toBeUndefined();
    // @ts-expect-error a code the catalog does not define does not compile
    const typo = () => errors.fail('Z_BUSSY', 'typo');
    expect(typo).toBeTypeOf('function');
  });
});
