import { describe, expect, it } from 'vitest';
import type { SyncFieldDefinition } from '../../config/definition.js';
import { FlowError, FlowErrors } from '../../sdk/index.js';
import { flowErrorOf } from '../../steps/test-helpers.js';
import { compileSync } from './compile-sync.js';
import { compiled, syncDef } from './plan-test-helpers.js';

const status = {
  name: 'status',
  a: 'state',
  b: 'status_code',
  toB: { values: { active: 1, closed: 0 } },
  toA: { values: { '1': 'active', '0': 'closed' } },
};

describe('compile: extract', () => {
  it("copies the side's mapped field names out of a record, whatever the direction; missing → null", () => {
    const sync = compiled([
      'email',
      { name: 'name', a: 'full_name', b: 'display_name', direction: 'a-to-b' },
      { name: 'tier', b: 'level', direction: 'b-to-a' },
    ]);
    const record = { id: 1, email: 'x@y.z', full_name: 'Ada', updated_at: 'now', extra: 1 };
    expect(sync.extract('a', record)).toEqual({ email: 'x@y.z', full_name: 'Ada', tier: null });
    expect(sync.extract('b', { email: null, level: 3, full_name: 'no' })).toEqual({
      email: null,
      display_name: null,
      level: 3,
    });
  });
});

describe('compile: translate', () => {
  const sync = compiled([
    { name: 'email', a: 'email', b: 'mail', toB: { transform: 'lowercase' } },
    status,
    { name: 'name', a: 'full_name', b: 'name', direction: 'a-to-b' },
    { name: 'tier', direction: 'b-to-a', toA: { transform: 'uppercase' } },
    { name: 'dotted', a: 'meta.code', b: 'code' },
    { name: 'dollar', a: 'x', b: '$ref' },
    { name: 'label', a: 'label', b: 'label', toB: { template: '{{full_name}} <{{email}}>' }, direction: 'a-to-b' },
  ]);
  it('maps a→b through each field that goes a→b (value maps, transforms, templates, odd names)', () => {
    const a = { email: 'Ada@X.org', state: 'active', full_name: 'Ada', tier: 'gold', 'meta.code': 'C1', x: 9 };
    expect(sync.translate('a', sync.extract('a', a))).toEqual({
      mail: 'ada@x.org',
      status_code: 1,
      name: 'Ada',
      code: 'C1',
      $ref: 9,
      label: 'Ada <Ada@X.org>',
    });
  });
  it('maps b→a through each field that goes b→a', () => {
    const b = { mail: 'Ada@X.org', status_code: 0, name: 'Zed', tier: 'gold', code: 'C2', $ref: 3, label: 'L' };
    expect(sync.translate('b', sync.extract('b', b))).toEqual({
      email: 'Ada@X.org',
      state: 'closed',
      tier: 'GOLD',
      'meta.code': 'C2',
      x: 3,
    });
  });
  it('a value a mapping cannot map is a record error naming the sync, field and direction', () => {
    const error = flowErrorOf(() => sync.translate('a', { state: 'frozen' }));
    expect(error.code).toBe('RECORD_BAD_VALUE');
    expect(error.kind).toBe('record');
    expect(error.field).toBe('status');
    expect(error.where).toBe('sync customers field status (a → b)');
  });
  it('a transform that cannot work is a config error at the field, every one at once', () => {
    const error = (() => {
      try {
        compileSync(
          syncDef([
            { name: 'x', toB: { transform: 'nope' } },
            { name: 'y', toA: { values: 3 } as never },
          ]),
        );
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(FlowErrors);
    const errors = (error as FlowErrors).errors;
    expect(errors.map((e) => e.code)).toEqual(['CONFIG_BAD_MAPPING', 'CONFIG_BAD_MAPPING']);
    expect(errors.map((e) => [e.where, e.field, e.message])).toEqual([
      ['test.yaml:10:7', 'fields.x.toB.transform', 'fields.x.toB.transform: unknown transform "nope"'],
      ['test.yaml:11:7', 'fields.y.toA.values', 'fields.y.toA.values: must be an object of input value → output value'],
    ]);
  });
  it("placed at the setting's own line when the config knows it", () => {
    const def = syncDef([{ name: 'x', toB: { transform: 'nope' } }]);
    const lines: Record<string, string> = { toB: 'test.yaml:11:9', 'toB.transform': 'test.yaml:12:11' };
    const field = { ...(def.fields[0] as SyncFieldDefinition), fieldWhere: (p: string) => lines[p] };
    const error = flowErrorOf(() => compileSync({ ...def, fields: [field] }));
    expect([error.where, error.field]).toEqual(['test.yaml:12:11', 'fields.x.toB.transform']);
  });
  it('one bad transform is one FlowError', () => {
    expect(() => compileSync(syncDef([{ name: 'x', toB: { transform: 'nope' } }]))).toThrow(FlowError);
  });
});

describe('compile: matchKey', () => {
  const rule = { fields: ['email', 'status'], normalize: ['trim', 'lowercase'] as const, maxAmbiguous: 10 };
  const sync = compiled([{ name: 'email', b: 'mail' }, status, 'other'], { match: rule });
  it.each([
    ['a', { email: ' Ada@X.org ', state: 'active' }, 'ada@x.org\u0001active'],
    ['b', { mail: 'ada@x.ORG', status_code: 1 }, 'ada@x.org\u0001active'],
    ['b', { mail: 'ada@x.org', status_code: '1' }, 'ada@x.org\u0001active'],
    ['a', { email: 'ada@x.org', state: null }, null],
    ['a', { email: '  ', state: 'active' }, null],
    ['b', { mail: null, status_code: 1 }, null],
    ['b', { mail: 'ada@x.org', status_code: 7 }, null],
  ] as const)('side %s %j → %j', (side, values, key) => {
    expect(sync.matchKey(side, sync.extract(side, values))).toBe(key);
  });
  it('numbers and instants match in any representation; no normalize: exact text', () => {
    const exact = compiled(['n', 'at', 's'], { match: { fields: ['n', 'at', 's'], normalize: [], maxAmbiguous: 1 } });
    const a = exact.matchKey('a', { n: 1.5, at: '2024-01-02T10:00:00Z', s: 'X' });
    expect(a).toBe('1.5\u00012024-01-02T10:00:00.000Z\u0001X');
    expect(exact.matchKey('b', { n: '1.50', at: '2024-01-02 10:00:00', s: 'X' })).toBe(a);
    expect(exact.matchKey('b', { n: '1.50', at: '2024-01-02 10:00:00', s: 'x' })).not.toBe(a);
  });
  it('is null for every record without a match rule', () => {
    expect(compiled(['email']).matchKey('a', { email: 'ada@x.org' })).toBeNull();
  });
});

describe('compile: isDeleted', () => {
  it.each([
    [undefined, { gone: true }, false],
    [{ field: 'gone' }, { gone: true }, true],
    [{ field: 'gone' }, { gone: 1 }, true],
    [{ field: 'gone' }, { gone: '2024-01-02T10:00:00Z' }, true],
    [{ field: 'gone' }, { gone: false }, false],
    [{ field: 'gone' }, { gone: 0 }, false],
    [{ field: 'gone' }, { gone: '' }, false],
    [{ field: 'gone' }, { gone: null }, false],
    [{ field: 'gone' }, {}, false],
    [{ field: 'state', value: 'deleted' }, { state: 'deleted' }, true],
    [{ field: 'state', value: 'deleted' }, { state: 'active' }, false],
    [{ field: 'state', value: 1 }, { state: '1' }, true],
  ] as const)('deleted %j, record %j → %s', (deleted, data, expected) => {
    const def = syncDef(['email']);
    const sync = compileSync({ ...def, b: { ...def.b, ...(deleted === undefined ? {} : { deleted }) } });
    expect(sync.isDeleted('b', data)).toBe(expected);
    expect(sync.isDeleted('a', data)).toBe(false);
  });
});

describe('compile: hash and same', () => {
  it("hashes a side's mapped fields only, equal for values that differ in representation only", () => {
    const sync = compiled(['n', { name: 'at', b: 'changed' }]);
    expect(sync.hash('a', { n: 1.5, at: '2024-01-02T10:00:00Z', x: 1 })).toBe(
      sync.hash('a', { n: '1.50', at: '2024-01-02 10:00:00' }),
    );
    expect(sync.hash('b', { n: 1, changed: null })).not.toBe(sync.hash('b', { n: 1, changed: 'x' }));
    expect(sync.same('1.0', 1)).toBe(true);
  });
});
