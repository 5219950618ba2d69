import { describe, expect, it } from 'vitest';
import type { StagedChange } from '../../store/sync-store.js';
import { planMatch } from './plan-match.js';
import { compiled, staged } from './plan-test-helpers.js';

const sync = compiled(['email', 'name'], {
  match: { fields: ['email'], normalize: ['trim', 'lowercase'], maxAmbiguous: 5 },
});

/** Records by a short name: `a1: ada` is a record of side a whose email is ada@x.org. */
function records(spec: Record<string, string | null>): Record<string, StagedChange> {
  const out: Record<string, StagedChange> = {};
  for (const [rid, who] of Object.entries(spec))
    out[rid] = staged(
      sync,
      rid[0] as 'a' | 'b',
      { email: who === null ? null : ` ${who.toUpperCase()}@x.org` },
      { rid },
    );
  return out;
}

const rids = (list: readonly StagedChange[]) => list.map((c) => c.rid);

interface MatchCase {
  readonly name: string;
  readonly spec: Record<string, string | null>;
  readonly pairs: readonly (readonly [string, string])[];
  readonly creates: readonly string[];
  readonly ambiguous: readonly (readonly [string, readonly string[]])[];
}

describe('planMatch', () => {
  it.each<MatchCase>([
    {
      name: 'one on each side: a pair',
      spec: { a1: 'ada', b1: 'ada' },
      pairs: [['a1', 'b1']],
      creates: [],
      ambiguous: [],
    },
    {
      name: 'one side only: a create',
      spec: { a1: 'ada', b1: 'bob' },
      pairs: [],
      creates: ['a1', 'b1'],
      ambiguous: [],
    },
    { name: 'no match key: a create', spec: { a1: null, b1: null }, pairs: [], creates: ['a1', 'b1'], ambiguous: [] },
    {
      name: 'duplicates on one side and nothing on the other: creates',
      spec: { a1: 'ada', a2: 'ada' },
      pairs: [],
      creates: ['a1', 'a2'],
      ambiguous: [],
    },
    {
      name: 'one against two: the one is ambiguous with both candidates',
      spec: { a1: 'ada', b1: 'ada', b2: 'ada' },
      pairs: [],
      creates: [],
      ambiguous: [['a1', ['b1', 'b2']]],
    },
    {
      name: 'two against one: the one on b',
      spec: { a1: 'ada', a2: 'ada', b1: 'ada' },
      pairs: [],
      creates: [],
      ambiguous: [['b1', ['a1', 'a2']]],
    },
    {
      name: 'two against two: every record',
      spec: { a1: 'ada', a2: 'ada', b1: 'ada', b2: 'ada' },
      pairs: [],
      creates: [],
      ambiguous: [
        ['a1', ['b1', 'b2']],
        ['a2', ['b1', 'b2']],
        ['b1', ['a1', 'a2']],
        ['b2', ['a1', 'a2']],
      ],
    },
    {
      name: 'groups sort out independently',
      spec: { a1: 'ada', b9: 'bob', b1: 'ada', a5: 'cy', b5: 'cy', b6: 'cy', a7: null },
      pairs: [['a1', 'b1']],
      creates: ['b9', 'a7'],
      ambiguous: [['a5', ['b5', 'b6']]],
    },
  ])('$name', ({ spec, pairs, creates, ambiguous }) => {
    const plan = planMatch(sync, Object.values(records(spec)));
    expect(plan.pairs.map((p) => [p.a.rid, p.b.rid])).toEqual(pairs);
    expect(rids(plan.creates)).toEqual(creates);
    expect(plan.ambiguous.map((x) => [x.record.rid, rids(x.candidates)])).toEqual(ambiguous);
  });
});
