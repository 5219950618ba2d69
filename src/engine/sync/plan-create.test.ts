import { describe, expect, it } from 'vitest';
import { planCreate } from './plan-create.js';
import { compiled, staged } from './plan-test-helpers.js';

const sync = compiled([
  { name: 'email', b: 'mail', toB: { transform: 'lowercase' } },
  { name: 'status', a: 'state', b: 'code', toB: { values: { active: 1 } }, toA: { values: { '1': 'active' } } },
  { name: 'tier', direction: 'b-to-a' },
  { name: 'name', direction: 'a-to-b' },
]);

describe('planCreate', () => {
  it('from a: the translated fields that go a→b, bases on both sides, the hash of each', () => {
    const change = staged(sync, 'a', { email: 'Ada@X.org', state: 'active', tier: 'gold', name: 'Ada', extra: 1 });
    const plan = planCreate(sync, change);
    expect(plan.from).toBe('a');
    expect(plan.change).toBe(change);
    expect(plan.values).toEqual({ mail: 'ada@x.org', code: 1, name: 'Ada' });
    expect(plan.baseA).toEqual({ email: 'Ada@X.org', state: 'active', tier: 'gold', name: 'Ada' });
    expect(plan.baseB).toEqual({ mail: 'ada@x.org', code: 1, tier: null, name: 'Ada' });
    expect(plan.aHash).toBe(change.hash);
    // the created record read back (a fresh row: what was not written is null) hashes as the intent
    const readBack = staged(sync, 'b', { id: 42, mail: 'ada@x.org', code: '1', tier: null, name: 'Ada' });
    expect(plan.bHash).toBe(readBack.hash);
  });
  it('from b: the fields that go b→a', () => {
    const change = staged(sync, 'b', { mail: 'Ada@X.org', code: 1, tier: 'gold', name: 'Bob' });
    const plan = planCreate(sync, change);
    expect(plan.values).toEqual({ email: 'Ada@X.org', state: 'active', tier: 'gold' });
    expect(plan.baseA).toEqual({ email: 'Ada@X.org', state: 'active', tier: 'gold', name: null });
    expect(plan.baseB).toEqual(change.values);
    expect(plan.bHash).toBe(change.hash);
    expect(plan.aHash).toBe(sync.hash('a', plan.baseA));
  });
  it('a value the mapping cannot map fails the create with a record error', () => {
    const change = staged(sync, 'a', { email: 'x', state: 'frozen' });
    expect(() => planCreate(sync, change)).toThrow(
      expect.objectContaining({ code: 'RECORD_BAD_VALUE', field: 'status' }),
    );
  });
});
