import { describe, expect, it } from 'vitest';
import type { Json } from '../sdk/index.js';
import type { Site } from './problems.js';
import { flowErrorOf } from './test-helpers.js';
import { compileTransforms, transformNames } from './transforms.js';

const site: Site = { where: 'flow f/step map', field: 'x.transform', code: 'CONFIG_BAD_MAPPING' };

function run(spec: unknown, value: Json): Json {
  const t = compileTransforms(spec, site, 'x');
  if (!t) throw new Error('no transform');
  return t(value);
}

describe('transforms', () => {
  it.each<[unknown, Json, Json]>([
    ['lowercase', 'MiXeD', 'mixed'],
    ['lowercase', 42, '42'],
    ['uppercase', 'straße', 'STRASSE'],
    ['uppercase', true, 'TRUE'],
    ['trim', '  a b  ', 'a b'],
    ['number', '12.50', 12.5],
    ['number', ' -3e2 ', -300],
    ['number', '.5', 0.5],
    ['number', 7, 7],
    ['number', '', null],
    ['integer', '42', 42],
    ['integer', '42.0', 42],
    ['integer', 12, 12],
    ['boolean', 'yes', true],
    ['boolean', 'Off', false],
    ['boolean', 'TRUE', true],
    ['boolean', '0', false],
    ['boolean', 1, true],
    ['boolean', false, false],
    ['boolean', ' ', null],
    ['string', 12.5, '12.5'],
    ['string', false, 'false'],
    ['string', 'text', 'text'],
    ['string', { a: [1] }, '{"a":[1]}'],
    ['round', 2.5, 3],
    ['round', -2.5, -3],
    [{ round: 2 }, 1.005, 1.01],
    [{ round: 2 }, '19.999', 20],
    [{ round: 1 }, -0.05, -0.1],
    [{ truncate: 3 }, 'abcdef', 'abc'],
    [{ truncate: 10 }, 'abc', 'abc'],
    [{ split: ';' }, 'a;b;c', ['a', 'b', 'c']],
    ['split', 'a,b', ['a', 'b']],
    ['split', '', []],
    [{ join: ' | ' }, ['a', 1, null], 'a | 1 | '],
    ['join', ['a', 'b'], 'a,b'],
    [['trim', 'number'], ' 12 ', 12],
    [['trim', 'lowercase', { truncate: 2 }], '  ABC ', 'ab'],
    [['number', 'string'], '', null],
    [{ date: {} }, '2024-03-05T10:20:30Z', '2024-03-05T10:20:30.000Z'],
    ['date', 0, '1970-01-01T00:00:00.000Z'],
  ])('%j of %j → %j', (spec, value, expected) => {
    expect(run(spec, value)).toEqual(expected);
  });

  it.each<[unknown, Json, string]>([
    ['number', 'abc', '"abc" is not a number (transform number)'],
    ['number', '12,50', 'not a number'],
    ['number', true, 'not a number'],
    ['number', '0x10', 'not a number'],
    ['integer', '1.5', 'not a whole number'],
    ['boolean', 'maybe', 'not a boolean'],
    ['boolean', 2, 'not a boolean'],
    ['lowercase', { a: 1 }, 'is not text (transform lowercase)'],
    ['round', 'x', 'transform round'],
    ['join', 'a,b', 'not a list'],
    [{ date: {} }, 'yesterday', 'is not an ISO 8601 date or epoch millis (transform date)'],
    [{ date: { parse: 'dd.MM.yyyy' } }, '2024-03-05', 'is not a date in format "dd.MM.yyyy"'],
  ])('%j of %j fails: %s', (spec, value, message) => {
    const error = flowErrorOf(() => run(spec, value));
    expect(error.code).toBe('RECORD_BAD_VALUE');
    expect(error.kind).toBe('record');
    expect(error.field).toBe('x');
    expect(error.message).toContain('field x:');
    expect(error.message).toContain(message);
  });

  it.each<[unknown, string, string]>([
    ['lowercse', 'unknown transform "lowercse"', 'Did you mean "lowercase"?'],
    [['trim', 'nope'], 'x.transform[1]: unknown transform "nope"', 'Use one of'],
    [{ round: -1 }, 'x.transform.round: needs a whole number', ''],
    [{ round: 2, trim: true }, 'a transform is a name', ''],
    [{ truncate: 'x' }, 'needs a whole number', ''],
    [{ split: 3 }, 'needs a separator', ''],
    [42, 'a transform is a name', ''],
    [{ date: { format: 'yyyy-QQ' } }, 'x.transform.date.format: bad date format: unknown date token "QQ"', ''],
    [{ date: { format: 'yyyy-MM-ddTHH' } }, "write 'T' in quotes", ''],
    [{ date: { zone: 'Mars/Olympus' } }, 'x.transform.date.zone: unknown time zone "Mars/Olympus"', 'IANA'],
    [{ date: { outputZone: 'Nowhere' } }, 'unknown time zone', ''],
    [{ date: { parse: "dd.MM.yyyy 'at" } }, 'unclosed quote', ''],
    [{ date: { formt: 'iso' } }, 'unknown date option "formt"', ''],
    [{ date: 'iso' }, 'date options must be an object', ''],
  ])('config %j fails: %s', (spec, message, hint) => {
    const error = flowErrorOf(() => compileTransforms(spec, site, 'x'));
    expect(error.code).toBe('CONFIG_BAD_MAPPING');
    expect(error.kind).toBe('config');
    expect(error.where).toBe('flow f/step map');
    expect(error.message).toContain(message);
    expect(error.hint ?? '').toContain(hint);
  });

  it('lists every transform and compiles nothing for no transform', () => {
    expect(transformNames).toEqual(
      expect.arrayContaining([
        'lowercase',
        'uppercase',
        'trim',
        'number',
        'integer',
        'boolean',
        'string',
        'date',
        'round',
      ]),
    );
    expect(compileTransforms(undefined, site, 'x')).toBeUndefined();
    expect(compileTransforms([], site, 'x')).toBeUndefined();
  });
});
