import { describe, expect, it } from 'vitest';
import { tableProblems } from './table-problems.js';

const table = { name: 'main.customers', columns: ['id', 'name'] };
const args = { missing: 'customers', fields: ['id', 'name', 'email'] };

describe('table problems', () => {
  it('names a field the flow writes that the table lacks, but not for a delete, which uses the key only', () => {
    const base = { key: ['id'], createTable: false } as const;
    expect(tableProblems({ ...base, operation: 'update' }, table, args).map((p) => [p.field, p.message])).toEqual([
      ['table', expect.stringContaining('has no column email')],
    ]);
    expect(tableProblems({ ...base, operation: 'delete' }, table, args)).toEqual([]);
    expect(tableProblems({ ...base, key: ['code'], operation: 'delete' }, table, args).map((p) => p.field)).toEqual([
      'key',
    ]);
  });
});
