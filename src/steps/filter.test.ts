import { describe, expect, it } from 'vitest';
import type { DataRecord, JsonObject } from '../sdk/index.js';
import { compileFilter } from './filter.js';
import type { FilterConfig } from './filter-config.js';
import { filterStep } from './filter-step.js';
import { flowErrorOf, testContext } from './test-helpers.js';

const row: JsonObject = {
  status: 'paid',
  total: 120,
  qty: '7',
  email: 'Ada@Example.com',
  code: 42,
  vip: true,
  vip_text: 'yes',
  nothing: null,
  empty: '',
  customer: { country: 'DE' },
  tags: ['a'],
  created: '2024-03-05',
};
const passes = (config: FilterConfig, data: JsonObject = row): boolean =>
  compileFilter(config, 'flow f/step filter')(data);

describe('filter operators', () => {
  it.each<[string, FilterConfig, boolean]>([
    ['eq string', { field: 'status', op: 'eq', value: 'paid' }, true],
    ['eq other string', { field: 'status', op: 'eq', value: 'void' }, false],
    ['eq number vs numeric string', { field: 'qty', op: 'eq', value: 7 }, true],
    ['eq string vs number', { field: 'code', op: 'eq', value: '42' }, true],
    ['eq boolean', { field: 'vip', op: 'eq', value: true }, true],
    ['eq boolean vs yes', { field: 'vip_text', op: 'eq', value: true }, true],
    ['eq null: null field', { field: 'nothing', op: 'eq', value: null }, true],
    ['eq null: missing field', { field: 'missing', op: 'eq', value: null }, true],
    ['eq null: present field', { field: 'status', op: 'eq', value: null }, false],
    ['eq on missing field', { field: 'missing', op: 'eq', value: 'x' }, false],
    ['eq nested path', { field: 'customer.country', op: 'eq', value: 'DE' }, true],
    ['eq array element', { field: 'tags[0]', op: 'eq', value: 'a' }, true],
    ['ne', { field: 'status', op: 'ne', value: 'void' }, true],
    ['ne same', { field: 'status', op: 'ne', value: 'paid' }, false],
    ['ne on missing field keeps', { field: 'missing', op: 'ne', value: 'void' }, true],
    ['gt number', { field: 'total', op: 'gt', value: 100 }, true],
    ['gt equal', { field: 'total', op: 'gt', value: 120 }, false],
    ['gte equal', { field: 'total', op: 'gte', value: 120 }, true],
    ['lt', { field: 'total', op: 'lt', value: 100 }, false],
    ['lte', { field: 'total', op: 'lte', value: 120 }, true],
    ['gt numeric string', { field: 'qty', op: 'gt', value: 5 }, true],
    ['lt numeric string (not text order)', { field: 'qty', op: 'lt', value: 10 }, true],
    ['gt on ISO dates as strings', { field: 'created', op: 'gt', value: '2024-01-01' }, true],
    ['lt on ISO dates as strings', { field: 'created', op: 'lt', value: '2024-03-01' }, false],
    ['gt on missing is false', { field: 'missing', op: 'gt', value: 0 }, false],
    ['lt on null is false', { field: 'nothing', op: 'lt', value: 0 }, false],
    ['gt on text vs number is false', { field: 'status', op: 'gt', value: 0 }, false],
    ['in', { field: 'status', op: 'in', value: ['paid', 'shipped'] }, true],
    ['in (no)', { field: 'status', op: 'in', value: ['void'] }, false],
    ['in with numbers', { field: 'qty', op: 'in', value: [1, 7] }, true],
    ['in with null matches missing', { field: 'missing', op: 'in', value: [null, 'x'] }, true],
    ['nin', { field: 'status', op: 'nin', value: ['void', 'refunded'] }, true],
    ['nin (no)', { field: 'status', op: 'nin', value: ['paid'] }, false],
    ['nin on missing keeps', { field: 'missing', op: 'nin', value: ['x'] }, true],
    ['exists', { field: 'status', op: 'exists' }, true],
    ['exists true', { field: 'status', op: 'exists', value: true }, true],
    ['exists on null', { field: 'nothing', op: 'exists', value: true }, false],
    ['exists on empty string', { field: 'empty', op: 'exists', value: true }, true],
    ['exists false on missing', { field: 'missing', op: 'exists', value: false }, true],
    ['exists false on present', { field: 'status', op: 'exists', value: false }, false],
    ['matches', { field: 'email', op: 'matches', value: '@example\\.com$', flags: 'i' }, true],
    ['matches case-sensitive', { field: 'email', op: 'matches', value: '@example\\.com$' }, false],
    ['matches number', { field: 'code', op: 'matches', value: '^4\\d$' }, true],
    ['matches missing', { field: 'missing', op: 'matches', value: '.*' }, false],
    ['matches object', { field: 'customer', op: 'matches', value: '.*' }, false],
  ])('%s', (_name, config, expected) => {
    expect(passes(config)).toBe(expected);
  });

  it('matches is stable across records (no lastIndex state)', () => {
    const keep = compileFilter({ field: 's', op: 'matches', value: 'a' }, 'w');
    expect([keep({ s: 'a' }), keep({ s: 'a' }), keep({ s: 'ba' })]).toEqual([true, true, true]);
  });
});

describe('filter combinators', () => {
  const paid = { field: 'status', op: 'eq', value: 'paid' } as const;
  const big = { field: 'total', op: 'gt', value: 1000 } as const;
  it.each<[string, FilterConfig, boolean]>([
    ['list = all (true)', [paid, { field: 'vip', op: 'eq', value: true }], true],
    ['list = all (false)', [paid, big], false],
    ['all', { all: [paid, big] }, false],
    ['all empty', { all: [] }, true],
    ['any', { any: [big, paid] }, true],
    ['any none', { any: [big, { field: 'vip', op: 'eq', value: false }] }, false],
    ['any empty', { any: [] }, false],
    ['not', { not: big }, true],
    ['not not', { not: { not: paid } }, true],
    ['nested', { all: [paid, { any: [big, { not: { field: 'customer.country', op: 'in', value: ['FR'] } }] }] }, true],
    ['expression', { expression: "total > 100 && status == 'paid'" }, true],
    ['expression false', { expression: 'qty * 2 < 10' }, false],
    ['expression in all', { all: [paid, { expression: 'length(tags) == 1' }] }, true],
  ])('%s', (_name, config, expected) => {
    expect(passes(config)).toBe(expected);
  });
});

describe('filter config errors', () => {
  it.each<[string, unknown, string, string]>([
    ['unknown op', { field: 'a', op: 'equals', value: 1 }, 'unknown operator "equals"', 'op'],
    ['bad regex', { field: 'a', op: 'matches', value: '([a-z' }, 'bad regular expression', 'value'],
    [
      'regex not a string',
      { field: 'a', op: 'matches', value: 5 },
      'matches needs a regular expression string',
      'value',
    ],
    [
      'stateful regex flags',
      { field: 'a', op: 'matches', value: 'x', flags: 'g' },
      'flags may combine i, m, s and u',
      'flags',
    ],
    ['in without list', { field: 'a', op: 'in', value: 'x' }, 'in needs a list of values', 'value'],
    ['eq without value', { field: 'a', op: 'eq' }, 'eq needs a value', 'value'],
    ['gt with object', { field: 'a', op: 'gt', value: { x: 1 } }, 'gt needs a number or a string', 'value'],
    ['exists with text', { field: 'a', op: 'exists', value: 'yes' }, 'exists needs true or false', 'value'],
    ['bad path', { field: 'a..b', op: 'exists' }, 'bad path "a..b"', 'field'],
    ['no field', { op: 'exists' }, 'needs a field path', 'field'],
    ['no op', { field: 'a' }, 'needs an operator', 'op'],
    ['unknown key', { field: 'a', op: 'eq', vaule: 1 }, 'unknown key "vaule"', 'vaule'],
    ['mixed combinator', { all: [], field: 'a' }, 'unknown key "field"', 'field'],
    ['all not a list', { all: { field: 'a', op: 'exists' } }, 'must be a list of conditions', 'all'],
    ['bad expression', { expression: 'a +' }, 'cannot parse expression', 'expression'],
    ['not a condition', 'status == paid', 'a condition is', ''],
  ])('%s', (_name, config, message, lastPart) => {
    const error = flowErrorOf(() => compileFilter(config as FilterConfig, 'flow f/step filter (f.yaml:2:9)'));
    expect(error.code).toBe('CONFIG_BAD_FILTER');
    expect(error.kind).toBe('config');
    expect(error.where).toBe('flow f/step filter (f.yaml:2:9)');
    expect(error.message).toContain(message);
    expect(error.field ?? '').toMatch(new RegExp(`${lastPart.replace(/[.[\]]/g, '\\$&')}$`));
  });

  it('names the path of a nested condition', () => {
    const error = flowErrorOf(() =>
      compileFilter(
        {
          all: [{ field: 'a', op: 'exists' }, { any: [{ not: { field: 'b', op: 'like', value: 1 } }] }],
        } as unknown as FilterConfig,
        'w',
      ),
    );
    expect(error.field).toBe('all[1].any[0].not.op');
    expect(error.hint).toContain('Use one of: eq, ne');
  });
});

describe('filter step', () => {
  it('keeps passing records in order, drops the rest, fails none', async () => {
    const processor = await filterStep.create({ config: { field: 'n', op: 'gte', value: 2 }, where: 'w' }, testContext);
    const records: DataRecord[] = [1, 2, 'x', 3].map((n, i) => ({ data: { n }, meta: { id: `r${i}` } }));
    const result = await processor.process(records, testContext);
    expect(result.records).toEqual([records[1], records[3]]);
    expect(result.failed).toEqual([]);
  });

  it('puts a record whose expression fails in failed', async () => {
    const processor = await filterStep.create({ config: { expression: 'n * 2 > 2' }, where: 'w' }, testContext);
    const result = await processor.process(
      [
        { data: { n: 'x' }, meta: { id: 'bad' } },
        { data: { n: 5 }, meta: { id: 'ok' } },
      ],
      testContext,
    );
    expect(result.records.map((r) => r.meta.id)).toEqual(['ok']);
    expect(result.failed[0]?.error).toMatchObject({
      code: 'RECORD_BAD_VALUE',
      where: 'w record bad',
      field: 'expression',
    });
  });

  it('validates its config with zod', () => {
    expect(
      filterStep.config.safeParse([{ field: 'a', op: 'eq', value: 1 }, { not: { any: [{ expression: 'a' }] } }])
        .success,
    ).toBe(true);
    expect(filterStep.config.safeParse({ field: 'a', op: 'like' }).success).toBe(false);
  });
});
