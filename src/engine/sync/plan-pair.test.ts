import { describe, expect, it } from 'vitest';
import type { ConflictPolicy, SyncDefinition } from '../../config/definition.js';
import type { Json, JsonObject } from '../../sdk/index.js';
import { flowErrorOf } from '../../steps/test-helpers.js';
import type { ConflictRow } from '../../store/sync-store.js';
import { planPair } from './plan-pair.js';
import { compiled, conflictOf, linkOf, staged } from './plan-test-helpers.js';
import type { PlannedConflict } from './sync-plan-types.js';

type Fields = Parameters<typeof compiled>[0];

interface Staged {
  readonly values: JsonObject;
  readonly at?: Json;
}

interface PairCase {
  readonly name: string;
  readonly fields?: Fields;
  readonly policy?: ConflictPolicy;
  readonly skewMs?: number;
  /** The link's bases [a, b]; absent: a pair the match rule just made (no link). */
  readonly base?: readonly [JsonObject, JsonObject];
  readonly a?: Staged;
  readonly b?: Staged;
  /** Stage side a at exactly its base (our own write read back). */
  readonly echo?: 'a' | 'b';
  readonly conflicts?: readonly ConflictRow[];
  readonly writeA?: JsonObject;
  readonly writeB?: JsonObject;
  /** Fields of the planned conflicts (or the conflicts in full). */
  readonly conflict?: readonly (string | PlannedConflict)[];
  readonly close?: readonly { id: number; status: 'applied' | 'cleared' }[];
  readonly decided?: number;
  /** Expected bases (default: each side's values after the writes). */
  readonly baseA?: JsonObject;
  readonly baseB?: JsonObject;
}

const base: readonly [JsonObject, JsonObject] = [
  { name: 'Ada', email: 'ada@x.org', qty: 1 },
  { name: 'Ada', email: 'ada@x.org', qty: 1 },
];
const statusField = {
  name: 'status',
  a: 'state',
  b: 'code',
  toB: { values: { active: 1, closed: 0, lead: 2 } },
  toA: { values: { '1': 'active', '0': 'closed', '2': 'lead' } },
};
const t0 = '2024-01-02T10:00:00.000Z';
const at = (ms: number) => new Date(Date.parse(t0) + ms).toISOString();

const cases: readonly PairCase[] = [
  {
    name: 'a changed one field: only that field goes to b',
    base,
    a: { values: { ...base[0], qty: 2 } },
    writeB: { qty: 2 },
  },
  {
    name: 'b changed one field: only that field goes to a',
    base,
    b: { values: { ...base[1], name: 'Ada L' } },
    writeA: { name: 'Ada L' },
  },
  {
    name: 'a changed a field b already has (in another representation): no write, bases move',
    base: [base[0], { ...base[1], qty: '2.0' }],
    a: { values: { ...base[0], qty: 2 } },
    baseA: { ...base[0], qty: 2 },
    baseB: { ...base[1], qty: '2.0' },
  },
  {
    name: 'both changed different fields: each goes the other way',
    base,
    a: { values: { ...base[0], qty: 3 } },
    b: { values: { ...base[1], email: 'ada@y.org' } },
    writeA: { email: 'ada@y.org' },
    writeB: { qty: 3 },
  },
  {
    name: 'both changed one field to the same value: converged, no write, no conflict',
    base,
    a: { values: { ...base[0], qty: '1.50' } },
    b: { values: { ...base[1], qty: 1.5 } },
    baseA: { ...base[0], qty: '1.50' },
    baseB: { ...base[1], qty: 1.5 },
  },
  {
    name: 'both changed one field (manual): a conflict; no write of it, its base stays; other fields still sync',
    base,
    a: { values: { ...base[0], qty: 2, name: 'Ada L' } },
    b: { values: { ...base[1], qty: 3 } },
    writeB: { name: 'Ada L' },
    conflict: [{ field: 'qty', base: 1, aValue: 2, bValue: 3 }],
    baseA: { ...base[0], name: 'Ada L' },
    baseB: { ...base[1], name: 'Ada L' },
  },
  {
    name: 'policy a: a wins',
    policy: 'a',
    base,
    a: { values: { ...base[0], qty: 2 } },
    b: { values: { ...base[1], qty: 3 } },
    writeB: { qty: 2 },
    decided: 1,
  },
  {
    name: 'policy b: b wins',
    policy: 'b',
    base,
    a: { values: { ...base[0], qty: 2 } },
    b: { values: { ...base[1], qty: 3 } },
    writeA: { qty: 3 },
    decided: 1,
  },
  {
    name: "a field's policy overrides the sync's (sync manual, field b)",
    fields: ['name', 'email', { name: 'qty', conflict: 'b' }],
    base,
    a: { values: { ...base[0], qty: 2, name: 'A' } },
    b: { values: { ...base[1], qty: 3, name: 'B' } },
    writeA: { qty: 3 },
    conflict: ['name'],
    decided: 1,
    baseA: { ...base[0], qty: 3 },
    baseB: { ...base[1], qty: 3 },
  },
  {
    name: "a field's manual overrides the sync's newest",
    policy: 'newest',
    fields: ['name', 'email', { name: 'qty', conflict: 'manual' }],
    base,
    a: { values: { ...base[0], qty: 2, name: 'A' }, at: at(3_600_000) },
    b: { values: { ...base[1], qty: 3, name: 'B' }, at: t0 },
    writeB: { name: 'A' },
    conflict: ['qty'],
    decided: 1,
    baseA: { ...base[0], name: 'A' },
    baseB: { ...base[1], name: 'A' },
  },
  {
    name: 'newest: b changed later (beyond the skew) wins',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: t0 },
    b: { values: { ...base[1], qty: 3 }, at: at(5 * 60_000) },
    writeA: { qty: 3 },
    decided: 1,
  },
  {
    name: 'newest: exactly the skew apart is a conflict',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: t0 },
    b: { values: { ...base[1], qty: 3 }, at: at(60_000) },
    conflict: ['qty'],
  },
  {
    name: 'newest: the skew + 1 ms apart, the newer wins',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: at(60_001) },
    b: { values: { ...base[1], qty: 3 }, at: t0 },
    writeB: { qty: 2 },
    decided: 1,
  },
  {
    name: 'newest: clocks in different offsets compare as instants (10:05Z vs 12:00+02:00 = 10:00Z)',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: '2024-01-02T10:05:00Z' },
    b: { values: { ...base[1], qty: 3 }, at: '2024-01-02T12:00:00+02:00' },
    writeB: { qty: 2 },
    decided: 1,
  },
  {
    name: 'newest: 12:00:30+02:00 vs 10:00:00 (no offset: UTC) are 30 s apart, within the skew',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: '2024-01-02T12:00:30+02:00' },
    b: { values: { ...base[1], qty: 3 }, at: '2024-01-02 10:00:00' },
    conflict: ['qty'],
  },
  {
    name: 'newest: epoch seconds vs ISO',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: Date.parse(t0) / 1000 },
    b: { values: { ...base[1], qty: 3 }, at: at(120_000) },
    writeA: { qty: 3 },
    decided: 1,
  },
  {
    name: 'newest: a change time that is no time is a conflict',
    policy: 'newest',
    base,
    a: { values: { ...base[0], qty: 2 }, at: 'yesterday' },
    b: { values: { ...base[1], qty: 3 }, at: t0 },
    conflict: ['qty'],
  },
  {
    name: 'a-to-b: b changed the field, a owns it: a’s value is written back to b',
    fields: ['name', 'email', { name: 'qty', direction: 'a-to-b' }],
    base,
    b: { values: { ...base[1], qty: 9 } },
    writeB: { qty: 1 },
  },
  {
    name: 'a-to-b: both changed, a wins whatever the policy (no conflict)',
    fields: ['name', 'email', { name: 'qty', direction: 'a-to-b' }],
    base,
    a: { values: { ...base[0], qty: 2 } },
    b: { values: { ...base[1], qty: 9 } },
    writeB: { qty: 2 },
  },
  {
    name: 'a-to-b: b changed the field to what a has: no write',
    fields: ['name', 'email', { name: 'qty', direction: 'a-to-b' }],
    base: [{ ...base[0], qty: 5 }, base[1]],
    b: { values: { ...base[1], qty: '5' } },
    baseA: { ...base[0], qty: 5 },
    baseB: { ...base[1], qty: '5' },
  },
  {
    name: "b-to-a: a's change is not sent to b; b's value is written back to a",
    fields: ['name', 'email', { name: 'qty', direction: 'b-to-a' }],
    base,
    a: { values: { ...base[0], qty: 4 } },
    writeA: { qty: 1 },
  },
  {
    name: 'b-to-a: b changed it: a gets it',
    fields: ['name', 'email', { name: 'qty', direction: 'b-to-a' }],
    base,
    b: { values: { ...base[1], qty: 4 } },
    writeA: { qty: 4 },
  },
  {
    name: 'value maps: a→b through toB',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'active' },
      { name: 'x', code: 1 },
    ],
    a: { values: { name: 'x', state: 'closed' } },
    writeB: { code: 0 },
  },
  {
    name: 'value maps: b→a through toA',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'closed' },
      { name: 'x', code: 0 },
    ],
    b: { values: { name: 'x', code: '1' } },
    writeA: { state: 'active' },
  },
  {
    name: 'value maps: both changed to corresponding values: converged',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'closed' },
      { name: 'x', code: 0 },
    ],
    a: { values: { name: 'x', state: 'active' } },
    b: { values: { name: 'x', code: 1 } },
  },
  {
    name: 'echo: a read back at its base is no change; b’s change still goes to a',
    base,
    echo: 'a',
    b: { values: { ...base[1], qty: 2 } },
    writeA: { qty: 2 },
  },
  {
    name: 'no link (a matched pair): equal fields are nothing, a differing one is a conflict with no base',
    a: { values: { name: 'Ada', email: 'ADA@x.org', qty: 1 } },
    b: { values: { name: 'Ada', email: 'ada@x.org', qty: '1' } },
    conflict: [{ field: 'email', base: null, aValue: 'ADA@x.org', bValue: 'ada@x.org' }],
    baseA: { name: 'Ada', email: null, qty: 1 },
    baseB: { name: 'Ada', email: null, qty: '1' },
  },
  {
    name: 'no link, policy a: every differing field goes to b',
    policy: 'a',
    a: { values: { name: 'Ada', email: 'ADA@x.org', qty: 1 } },
    b: { values: { name: 'Ada L', email: 'ada@x.org', qty: '1' } },
    writeB: { name: 'Ada', email: 'ADA@x.org' },
    decided: 2,
  },
  {
    name: 'resolved take a: b gets a’s value, the conflict is applied',
    base,
    a: { values: { ...base[0], qty: 2 } },
    b: { values: { ...base[1], qty: 3 } },
    conflicts: [conflictOf('qty', { base: 1, a: 2, b: 3 }, { take: 'a' })],
    writeB: { qty: 2 },
    close: [{ id: 7, status: 'applied' }],
  },
  {
    name: 'resolved take b with nothing staged: a gets the value b had when the conflict opened',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'lead' },
      { name: 'x', code: 2 },
    ],
    conflicts: [conflictOf('status', { base: 'lead', a: 'active', b: 0 }, { take: 'b' })],
    writeA: { state: 'closed' },
    close: [{ id: 7, status: 'applied' }],
    baseA: { name: 'x', state: 'closed' },
    baseB: { name: 'x', code: 0 },
  },
  {
    name: 'resolved take a with nothing staged: b gets the value a had when the conflict opened',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'lead' },
      { name: 'x', code: 2 },
    ],
    conflicts: [conflictOf('status', { base: 'lead', a: 'active', b: 0 }, { take: 'a' })],
    writeB: { code: 1 },
    close: [{ id: 7, status: 'applied' }],
    baseA: { name: 'x', state: 'active' },
    baseB: { name: 'x', code: 1 },
  },
  {
    name: 'an open conflict with nothing staged stays open (the sides still hold the values it recorded)',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'lead' },
      { name: 'x', code: 2 },
    ],
    conflicts: [conflictOf('status', { base: 'lead', a: 'active', b: 0 })],
  },
  {
    name: 'resolved take value: a gets the value, b its translation through the field',
    fields: ['name', statusField],
    base: [
      { name: 'x', state: 'closed' },
      { name: 'x', code: 0 },
    ],
    a: { values: { name: 'x', state: 'active' } },
    conflicts: [conflictOf('status', { a: 'active', b: 0 }, { take: 'value', value: 'closed' })],
    writeA: { state: 'closed' },
    close: [{ id: 7, status: 'applied' }],
  },
  {
    name: 'resolved take value: both sides written',
    base,
    a: { values: { ...base[0], qty: 2 } },
    b: { values: { ...base[1], qty: 3 } },
    conflicts: [conflictOf('qty', { base: 1, a: 2, b: 3 }, { take: 'value', value: 5 })],
    writeA: { qty: 5 },
    writeB: { qty: 5 },
    close: [{ id: 7, status: 'applied' }],
  },
  {
    name: 'an open conflict both sides now agree on clears itself; bases move',
    base,
    b: { values: { ...base[1], qty: 2 } },
    a: { values: { ...base[0], qty: 2, name: 'Ada L' } },
    conflicts: [conflictOf('qty', { base: 1, a: 2, b: 3 })],
    writeB: { name: 'Ada L' },
    close: [{ id: 7, status: 'cleared' }],
  },
  {
    name: 'an open conflict still differing stays open, base kept, not returned again when its values are the same',
    base,
    a: { values: { ...base[0], qty: 2, name: 'N' } },
    conflicts: [conflictOf('qty', { base: 1, a: 2, b: '3' })],
    b: { values: { ...base[1], qty: 3 } },
    writeB: { name: 'N' },
    baseA: { ...base[0], name: 'N' },
    baseB: { ...base[1], name: 'N' },
  },
  {
    name: 'an open conflict whose staged value changed again is returned with the new values',
    base,
    a: { values: { ...base[0], qty: 4 } },
    conflicts: [conflictOf('qty', { base: 1, a: 2, b: 3 })],
    b: { values: { ...base[1], qty: 3 } },
    conflict: [{ field: 'qty', base: 1, aValue: 4, bValue: 3 }],
    baseA: base[0],
    baseB: base[1],
  },
  {
    name: 'an open conflict is not decided by a one-sided change: the field stays for the person',
    base,
    a: { values: { ...base[0], qty: 4 } },
    conflicts: [conflictOf('qty', { base: 1, a: 2, b: 3 })],
    conflict: [{ field: 'qty', base: 1, aValue: 4, bValue: 3 }],
    baseA: base[0],
    baseB: base[1],
  },
];

function run(c: PairCase) {
  const over: Partial<SyncDefinition> = { conflicts: { policy: c.policy ?? 'manual', skewMs: c.skewMs ?? 60_000 } };
  const sync = compiled(c.fields ?? ['name', 'email', 'qty'], over);
  const link = c.base === undefined ? undefined : linkOf(sync, c.base[0], c.base[1]);
  const stage = (side: 'a' | 'b', s: Staged | undefined) => {
    if (c.echo === side && link !== undefined) return staged(sync, side, side === 'a' ? link.baseA : link.baseB);
    return s === undefined ? undefined : staged(sync, side, s.values, { changedAt: s.at ?? null });
  };
  const a = stage('a', c.a);
  const b = stage('b', c.b);
  return { sync, plan: planPair(sync, { link, a, b, conflicts: c.conflicts ?? [] }), a, b, link };
}

describe('planPair', () => {
  it.each(cases)('$name', (c) => {
    const { sync, plan, a, b, link } = run(c);
    expect(plan.writeA).toEqual(c.writeA);
    expect(plan.writeB).toEqual(c.writeB);
    const planned = plan.conflicts.map((p, i) => (typeof c.conflict?.[i] === 'string' ? p.field : p));
    expect(planned).toEqual(c.conflict ?? []);
    expect(plan.close).toEqual(c.close ?? []);
    expect(plan.decided).toBe(c.decided ?? 0);
    expect(plan.echoA).toBe(c.echo === 'a');
    expect(plan.echoB).toBe(c.echo === 'b');
    // bases: what each side has after the writes (sides not staged: the link's base)
    const nowA: JsonObject = { ...(a?.values ?? link?.baseA), ...plan.writeA };
    const nowB: JsonObject = { ...(b?.values ?? link?.baseB), ...plan.writeB };
    for (const { field } of plan.conflicts) {
      const f = sync.def.fields.find((x) => x.name === field);
      if (f === undefined) throw new Error(`no field ${field}`);
      nowA[f.a] = link?.baseA[f.a] ?? null;
      nowB[f.b] = link?.baseB[f.b] ?? null;
    }
    expect(plan.baseA).toEqual(sync.extract('a', c.baseA ?? nowA));
    expect(plan.baseB).toEqual(sync.extract('b', c.baseB ?? nowB));
    expect(plan.aHash).toBe(sync.hash('a', plan.baseA));
    expect(plan.bHash).toBe(sync.hash('b', plan.baseB));
  });

  it('the echo of our own write hashes as the new base: restaged at the new values, both are echoes', () => {
    const { sync, plan, a, b } = run(cases[3] as PairCase);
    const link = { ...linkOf(sync, plan.baseA, plan.baseB), aHash: plan.aHash, bHash: plan.bHash };
    const again = planPair(sync, {
      link,
      a: staged(sync, 'a', { ...a?.values, ...plan.writeA }),
      b: staged(sync, 'b', { ...b?.values, ...plan.writeB }),
      conflicts: [],
    });
    expect([again.echoA, again.echoB, again.writeA, again.writeB]).toEqual([true, true, undefined, undefined]);
  });

  it('a value the mapping cannot translate fails the pair with a record error naming the field', () => {
    const sync = compiled(['name', statusField]);
    const link = linkOf(sync, { name: 'x', state: 'active' }, { name: 'x', code: 1 });
    const a = staged(sync, 'a', { name: 'x', state: 'frozen' });
    const error = flowErrorOf(() => planPair(sync, { link, a, conflicts: [] }));
    expect([error.code, error.field, error.where]).toEqual([
      'RECORD_BAD_VALUE',
      'status',
      'sync customers field status (a → b)',
    ]);
  });
});
