import { describe, expect, it } from 'vitest';
import { sqlParams } from './sql-params.js';

describe('sqlParams', () => {
  it('takes JSON values under parameter names', () => {
    expect(sqlParams.parse({ a: 1, _b: [null, { c: 'x' }] })).toEqual({ a: 1, _b: [null, { c: 'x' }] });
    expect(sqlParams.safeParse({ '1a': 1 }).success).toBe(false);
    expect(sqlParams.safeParse({ a: () => 1 }).success).toBe(false);
  });
});
