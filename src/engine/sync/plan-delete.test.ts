import { describe, expect, it } from 'vitest';
import type { SyncDefinition } from '../../config/definition.js';
import { planDelete } from './plan-delete.js';
import { compiled, linkOf } from './plan-test-helpers.js';

const flag = { a: { field: 'archived', value: true }, b: { field: 'status', value: 'deleted' } };

describe('planDelete', () => {
  it.each([
    ['ignore', undefined, 'a', { action: 'ignore' }],
    ['flag', flag, 'a', { action: 'flag', side: 'b', values: { status: 'deleted' } }],
    ['flag', flag, 'b', { action: 'flag', side: 'a', values: { archived: true } }],
    ['flag', { b: flag.b }, 'b', { action: 'ignore' }],
    ['propagate', undefined, 'a', { action: 'delete', side: 'b' }],
    ['propagate', undefined, 'b', { action: 'delete', side: 'a' }],
    ['review', undefined, 'b', { action: 'review' }],
  ] as const)('%s (flag %j), deleted on %s → %j', (policy, flags, deletedOn, expected) => {
    const deletes: SyncDefinition['deletes'] = { policy, ...(flags === undefined ? {} : { flag: flags }) };
    const sync = compiled(['email'], { deletes });
    expect(planDelete(sync, linkOf(sync, { email: 'x' }, { email: 'x' }), deletedOn)).toEqual(expected);
  });
});
