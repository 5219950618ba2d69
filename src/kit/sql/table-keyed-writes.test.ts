import { describe, expect, it } from 'vitest';
import { tableDestinationConfig } from './table-destination-config.js';
import { generatesKey, keyId, tableKeyedWrites, withoutNullKey } from './table-keyed-writes.js';

describe('table keyed writes', () => {
  it('makes the table config one operation by one key column, without page markers', () => {
    const keyed = tableKeyedWrites<ReturnType<typeof tableDestinationConfig.parse>>();
    const base = tableDestinationConfig.parse({ table: 'customers', operation: 'upsert', key: ['email'] });
    expect(keyed.operations).toEqual(['insert', 'update', 'delete']);
    for (const op of keyed.operations) {
      const config = keyed.config(base, op, 'id');
      expect(config).toMatchObject({ table: 'customers', operation: op, key: ['id'], pageMarkers: false });
      expect(tableDestinationConfig.safeParse(config).success).toBe(true);
    }
  });

  it('gives a key as an id: one column as text, several as a JSON array, none when a value is missing', () => {
    expect(keyId({ id: 7, name: 'x' }, ['id'])).toBe('7');
    expect(keyId({ id: 'a-1' }, ['id'])).toBe('a-1');
    expect(keyId({ id: 7, region: 'EU' }, ['id', 'region'])).toBe('[7,"EU"]');
    expect(keyId({ id: null }, ['id'])).toBeUndefined();
    expect(keyId({ id: 7 }, ['id', 'region'])).toBeUndefined();
    expect([generatesKey({ id: 1 }, ['id']), generatesKey({ id: null }, ['id']), generatesKey({}, ['id'])]).toEqual([
      false,
      true,
      true,
    ]);
    expect(withoutNullKey({ id: null, name: 'x', note: null }, ['id'])).toEqual({ name: 'x', note: null });
  });

  it('needs a key for delete', () => {
    expect(tableDestinationConfig.safeParse({ table: 't', operation: 'delete' }).success).toBe(false);
  });
});
