import { describe, expect, it } from 'vitest';
import { missingKeyError, onceUntilFailed, rowNotFound } from './table-writes.js';

describe('table writes', () => {
  it('names the first key column without a value', () => {
    expect(missingKeyError({ a: 1, b: 2 }, ['a', 'b'], 'r1', 'w')).toBeUndefined();
    const e = missingKeyError({ a: 1, b: null }, ['a', 'b', 'c'], 'r1', 'w');
    expect([e?.code, e?.message, e?.field, e?.where]).toEqual([
      'RECORD_NO_KEY',
      'record r1 has no value for key column "b"',
      'b',
      'w record r1',
    ]);
    expect(rowNotFound('t', 'r2', 'w').code).toBe('RECORD_NOT_FOUND');
  });

  it('runs once for every caller, and again after a failure', async () => {
    let calls = 0;
    let fail = true;
    const open = onceUntilFailed(async (n: number) => {
      calls += n;
      if (fail) throw new Error('down');
    });
    await expect(Promise.all([open(1), open(1)])).rejects.toThrow('down');
    expect(calls).toBe(1);
    fail = false;
    await open(1);
    await open(1);
    expect(calls).toBe(2);
  });
});
