import { describe, expect, it } from 'vitest';
import type { Json, JsonObject } from '../sdk/index.js';
import { compileExpression } from './expression.js';
import type { Site } from './problems.js';
import { flowErrorOf } from './test-helpers.js';

const site: Site = { where: 'flow f/step map', field: 'amount.compute', code: 'CONFIG_BAD_MAPPING' };
const data: JsonObject = {
  quantity: 3,
  unit_price: 2.5,
  discount: 1,
  qty_text: '4',
  price_text: ' 1.25 ',
  name: 'Ada',
  last: 'Lovelace',
  status: 'paid',
  total: 120,
  zero: 0,
  empty: '',
  nothing: null,
  flag: true,
  customer: { address: { city: 'Berlin' }, tags: ['a', 'b'] },
  lines: [
    { sku: 'A', qty: 2 },
    { sku: 'B', qty: 5 },
  ],
  key: 'status',
  idx: 1,
  bad: 'abc',
};
const evaluate = (source: string): Json => compileExpression(source, site, 'amount')(data);

describe('expressions', () => {
  it.each<[string, Json]>([
    ['quantity * unit_price - discount', 6.5],
    ['(quantity + 1) * 2', 8],
    ['quantity % 2', 1],
    ['2 ** 3', 8],
    ['-quantity + +qty_text', 1],
    ['qty_text * price_text', 5],
    ['total / 3', 40],
    ['quantity * nothing', null],
    ['missing - 1', null],
    ['-missing', null],
    ['name + " " + last', 'Ada Lovelace'],
    ['name + missing', 'Ada'],
    ['"n=" + quantity', 'n=3'],
    ['qty_text + 1', '41'],
    ['nothing + missing', null],
    ['quantity > 2', true],
    ['quantity <= 2', false],
    ['qty_text > 3', true],
    ['"b" > "a"', true],
    ['nothing < 5', false],
    ['status == "paid"', true],
    ["status === 'paid'", true],
    ['status != "paid"', false],
    ['qty_text == 4', true],
    ['nothing == missing', true],
    ['nothing == 0', false],
    ['flag && status', 'paid'],
    ['zero && status', 0],
    ['zero || "fallback"', 'fallback'],
    ['nothing ?? "dflt"', 'dflt'],
    ['zero ?? 5', 0],
    ['!flag', false],
    ['!empty', true],
    ['total > 100 ? "big" : "small"', 'big'],
    ['customer.address.city', 'Berlin'],
    ['customer["address"].city', 'Berlin'],
    ['lines[1].sku', 'B'],
    ['lines[idx].qty', 5],
    ['customer[key]', null],
    ['customer.tags', ['a', 'b']],
    ['[quantity, name]', [3, 'Ada']],
    ['round(unit_price)', 3],
    ['round(2.345, 2)', 2.35],
    ['abs(-quantity)', 3],
    ['floor(unit_price) + ceil(unit_price)', 5],
    ['min(quantity, unit_price, nothing)', 2.5],
    ['max(1, qty_text)', 4],
    ['concat(name, "-", quantity, nothing)', 'Ada-3'],
    ['lower(name) + upper(last)', 'adaLOVELACE'],
    ['trim(price_text)', '1.25'],
    ['coalesce(nothing, missing, status)', 'paid'],
    ['coalesce(nothing)', null],
    ['number(price_text) + 1', 2.25],
    ['string(quantity) + 1', '31'],
    ['length(name) + length(customer.tags)', 5],
    ['lower(nothing)', null],
    ['constructor', null],
    ['customer.toString', null],
    ['true && null', null],
  ])('%s → %j', (source, expected) => {
    expect(evaluate(source)).toEqual(expected);
  });

  it.each([
    ['bad * 2', '"abc" (bad) is not a number'],
    ['quantity / zero', 'not a finite number'],
    ['customer > 1', 'cannot be compared'],
    ['flag + 1', '(flag) is not a number'],
    ['round(bad)', 'is not a number (in round())'],
    ['-bad', 'is not a number'],
  ])('%s fails with RECORD_BAD_VALUE', (source, message) => {
    const error = flowErrorOf(() => evaluate(source));
    expect(error.code).toBe('RECORD_BAD_VALUE');
    expect(error.field).toBe('amount');
    expect(error.message).toContain(message);
    expect(error.message).toContain(`in expression "${source}"`);
  });

  it.each([
    ['quantity *', 'cannot parse expression'],
    ['', 'empty expression'],
    ['a = 1', 'cannot parse'],
    ['eval("1")', 'unknown function "eval"'],
    ['rund(1)', 'unknown function "rund"'],
    ['Math.max(1, 2)', 'only the listed functions can be called'],
    ['this.a', 'unsupported expression part: ThisExpression'],
    ['a, b', 'unsupported expression part'],
    ['a | b', 'unsupported operator "|"'],
    ['~a', 'unsupported operator "~"'],
    ['round()', 'round() takes 1 to 2 arguments, got 0'],
    ['abs(1, 2)', 'abs() takes 1 arguments, got 2'],
    ['[1, , 2]', 'empty slot'],
  ])('rejects %j at compile time: %s', (source, message) => {
    const error = flowErrorOf(() => compileExpression(source, site, 'amount'));
    expect(error.code).toBe('CONFIG_BAD_MAPPING');
    expect(error.where).toBe('flow f/step map');
    expect(error.field).toBe('amount.compute');
    expect(error.message).toContain(message);
  });

  it('suggests the closest function', () => {
    expect(flowErrorOf(() => compileExpression('rund(1)', site, 'x')).hint).toContain('Did you mean "round"?');
  });
});
