import { describe, expect, it } from 'vitest';
import { parse, USER_SYNC } from '../../../test/helpers/sync-config.js';
import { planPair } from './plan-pair.js';
import { linkOf, staged } from './plan-test-helpers.js';
import { syncPlanner } from './sync-planner.js';

/** The planner on a sync as the config parses it (the example): names, value maps inverted by the config, one-way transforms. */
describe('the planner on a parsed sync', () => {
  const def = parse(USER_SYNC).syncs?.customers;
  if (def === undefined) throw new Error('the example has no sync customers');
  const sync = syncPlanner.compile(def);
  const crm = { id: 1, email: 'Ada@X.org ', full_name: 'Ada', phone: null, status: 'active', tier: 'gold', notes: 'n' };
  const erp = {
    client_no: 'C1',
    email_address: 'ada@x.org',
    name: 'Ada',
    phone: null,
    status: 'A',
    tier: 'GOLD',
    notes: 'n',
  };

  it("translates with each side's names; the config's inverted value map goes back", () => {
    expect(sync.translate('a', sync.extract('a', crm))).toEqual({
      email_address: 'Ada@X.org ',
      name: 'Ada',
      phone: null,
      status: 'A',
      tier: 'GOLD',
      notes: 'n',
    });
    expect(sync.translate('b', sync.extract('b', { ...erp, status: 'I' }))).toEqual({
      email: 'ada@x.org',
      full_name: 'Ada',
      phone: null,
      status: 'inactive',
      notes: 'n',
    });
  });

  it('matches on the trimmed, lower-cased email; plans a pair of changes both ways', () => {
    expect(sync.matchKey('a', sync.extract('a', crm))).toBe('ada@x.org');
    expect(sync.matchKey('b', sync.extract('b', erp))).toBe('ada@x.org');
    const link = linkOf(sync, crm, erp);
    const plan = planPair(sync, {
      link,
      a: staged(sync, 'a', { ...crm, tier: 'silver' }),
      b: staged(sync, 'b', { ...erp, status: 'I' }),
      conflicts: [],
    });
    expect([plan.writeA, plan.writeB]).toEqual([{ status: 'inactive' }, { tier: 'SILVER' }]);
  });

  it('a soft-deleted crm record is deleted by its deleted_at', () => {
    expect(sync.isDeleted('a', { ...crm, deleted_at: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(sync.isDeleted('a', crm)).toBe(false);
  });
});
