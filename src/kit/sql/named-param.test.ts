import { describe, expect, it } from 'vitest';
import { isNamedParam, namedParamAt } from './named-param.js';

describe('named parameters', () => {
  it('reads :name up to the end of the name, and says the fix when params lacks it', () => {
    const sql = 'a = :status_1 and b = ::text';
    expect(isNamedParam(sql, 4)).toBe(true);
    expect(isNamedParam(sql, 22)).toBe(false);
    expect(isNamedParam(sql, 23)).toBe(true); // the second colon of ::text; callers exclude casts
    expect(isNamedParam('x = :1', 4)).toBe(false);
    expect(namedParamAt(sql, 4, { status_1: 'x' }, 'w')).toEqual({ name: 'status_1', end: 13 });
    expect(() => namedParamAt(sql, 4, {}, 'w')).toThrow('the query uses :status_1 but params has no "status_1"');
  });
});
