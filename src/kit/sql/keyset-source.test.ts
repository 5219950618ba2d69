import { describe, expect, it } from 'vitest';
import type { FlowError } from '../../sdk/errors.js';
import { keyCheckpoint, lastKey, pagingKey, readColumns } from './keyset-source.js';

const table = {
  shown: '`orders`',
  columns: new Map([
    ['id', 1],
    ['at', 1],
    ['name', 1],
  ]),
  primaryKey: ['id'],
};
const fails = (f: () => unknown): FlowError => {
  try {
    f();
  } catch (error) {
    return error as FlowError;
  }
  throw new Error('did not throw');
};

describe('keyset source checks', () => {
  it('a checkpoint is a key (number or text) or nothing', () => {
    expect(keyCheckpoint(undefined, 'orders', 'w')).toBeUndefined();
    expect(keyCheckpoint(null, 'orders', 'w')).toBeUndefined();
    expect(keyCheckpoint(7, 'orders', 'w')).toBe(7);
    expect(keyCheckpoint('k', 'orders', 'w')).toBe('k');
    const e = fails(() => keyCheckpoint({ offset: 1 }, 'orders', 'w'));
    expect([e.code, e.message]).toEqual(['CONFIG_INVALID', 'checkpoint {"offset":1} is not a key of orders']);
  });

  it('pages by key:, else by the single-column primary key', () => {
    expect(pagingKey(table, undefined, 'w')).toBe('id');
    expect(pagingKey(table, 'name', 'w')).toBe('name');
    expect(fails(() => pagingKey({ ...table, primaryKey: ['id', 'at'] }, undefined, 'w')).message).toBe(
      'table `orders` has no single-column primary key',
    );
    const e = fails(() => pagingKey(table, 'nope', 'w'));
    expect([e.code, e.message, e.hint]).toEqual([
      'SQL_ERROR',
      'key column "nope" is not a column of table `orders`',
      'Use one of: id, at, name.',
    ]);
  });

  it('the delta field wins over cursorField and must be among columns:', () => {
    expect(readColumns(table, { cursorField: 'at' }, undefined, 'w')).toBe('at');
    expect(readColumns(table, { cursorField: 'at' }, 'name', 'w')).toBe('name');
    expect(fails(() => readColumns(table, { cursorField: 'x' }, undefined, 'w')).message).toContain(
      'cursorField column "x"',
    );
    expect(fails(() => readColumns(table, {}, 'x', 'w')).message).toContain('delta.field column "x"');
    expect(fails(() => readColumns(table, { columns: ['id'] }, 'at', 'w')).message).toBe(
      'columns of table `orders` leave out "at", the delta.field',
    );
  });

  it('a page ends at a key that is a number or text', () => {
    expect(lastKey(3, 'id', 'orders', 'w', 'hint')).toBe(3);
    const e = fails(() => lastKey(true, 'id', 'orders', 'w', 'Use a text key.'));
    expect([e.message, e.hint]).toEqual(['key column "id" of orders is not a number or text', 'Use a text key.']);
  });
});
