import { describe, expect, it } from 'vitest';
import { prng } from '../../../test/helpers/prng.js';
import type { ConflictPolicy } from '../../config/definition.js';
import type { Json, JsonObject } from '../../sdk/index.js';
import type { ConflictRow } from '../../store/sync-store.js';
import { planCreate } from './plan-create.js';
import { planPair } from './plan-pair.js';
import { compiled, conflictOf, linkOf, staged } from './plan-test-helpers.js';
import type { CompiledSync, PairPlan, Side } from './sync-plan-types.js';

const SEED = 20261207;
const PAIRS = 10_000;
const POLICIES: readonly (ConflictPolicy | undefined)[] = ['newest', 'a', 'b', 'manual', undefined];

/** Each field's values on each side, in several representations of equal values. */
const pools: Record<string, { a: readonly Json[]; b: readonly Json[] }> = {
  name: { a: ['Ada', 'ada', ' Ada', '', null, 'Bob'], b: ['Ada', 'ada', 'Bob', null, 'Cy'] },
  email: { a: ['X@Y.org', 'x@y.org', 'z@y.org', null], b: ['x@y.org', 'X@Y.org', 'w@y.org', null] },
  status: { a: ['active', 'closed', 'lead'], b: [1, 0, 2, '1', '0'] },
  qty: { a: [1, '1', 1.5, '1.50', 2, null], b: [1, '1.0', 1.5, 3, null, '2'] },
  owner: { a: ['ann', 'ben', null], b: ['ann', 'cat', null] },
  tier: { a: ['gold', 'silver', null], b: ['gold', 'bronze', null] },
  at: {
    a: ['2024-01-02T10:00:00Z', '2024-01-02 10:00:00', '2024-01-03T00:00:00Z', null],
    b: ['2024-01-02T11:00:00+01:00', '2024-01-02T10:00:00.000Z', '2024-01-04T00:00:00Z', null],
  },
};

function makeSync(random: () => number): CompiledSync {
  const policy = (): { conflict?: ConflictPolicy } => {
    const p = POLICIES[Math.floor(random() * POLICIES.length)];
    return p === undefined ? {} : { conflict: p };
  };
  return compiled(
    [
      { name: 'name', ...policy() },
      { name: 'email', b: 'mail', toB: { transform: 'lowercase' }, ...policy() },
      {
        name: 'status',
        a: 'state',
        b: 'code',
        toB: { values: { active: 1, closed: 0, lead: 2 } },
        toA: { values: { '1': 'active', '0': 'closed', '2': 'lead' } },
        ...policy(),
      },
      { name: 'qty', ...policy() },
      { name: 'owner', direction: 'a-to-b' },
      { name: 'tier', direction: 'b-to-a' },
      { name: 'at', ...policy() },
    ],
    {
      conflicts: {
        policy: (['newest', 'a', 'b', 'manual'] as const)[Math.floor(random() * 4)] ?? 'manual',
        skewMs: 60_000,
      },
    },
  );
}

function pairCase(sync: CompiledSync, random: () => number) {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  const values = (side: Side, from?: JsonObject): JsonObject => {
    const out: JsonObject = {};
    for (const f of sync.def.fields) {
      const name = side === 'a' ? f.a : f.b;
      const pool = (pools[f.name] as { a: readonly Json[]; b: readonly Json[] })[side];
      out[name] = from !== undefined && random() < 0.6 ? (from[name] ?? null) : pick(pool);
    }
    return out;
  };
  const changedAt = (): Json => {
    const ms = Date.UTC(2024, 0, 2, 10) + Math.floor((random() - 0.5) * 10 * 60_000);
    const form = random();
    if (form < 0.4) return new Date(ms).toISOString();
    if (form < 0.7) return new Date(ms + 3_600_000).toISOString().replace('Z', '+01:00');
    return Math.floor(ms / 1000);
  };
  const linked = random() < 0.85;
  const link = linked ? linkOf(sync, values('a'), values('b')) : undefined;
  const stageA = !linked || random() < 0.6;
  const stageB = !linked || random() < 0.6;
  const a = stageA ? staged(sync, 'a', values('a', link?.baseA), { changedAt: changedAt() }) : undefined;
  const b = stageB ? staged(sync, 'b', values('b', link?.baseB), { changedAt: changedAt() }) : undefined;
  const conflicts: ConflictRow[] = [];
  if (link !== undefined)
    for (const f of sync.def.fields) {
      if (f.direction !== 'both' || random() > 0.15) continue;
      const pool = pools[f.name] as { a: readonly Json[]; b: readonly Json[] };
      const take = pick(['a', 'b', 'value', undefined] as const);
      const value = pick(pool.a);
      const row = { base: link.baseA[f.a] ?? null, a: pick(pool.a), b: pick(pool.b) };
      conflicts.push(conflictOf(f.name, row, take === undefined ? undefined : { take, value }, 100 + conflicts.length));
    }
  return { link, a, b, conflicts };
}

/** The side's values before the plan: staged, else the base with the values the open conflicts recorded. */
function valuesBefore(sync: CompiledSync, side: Side, input: ReturnType<typeof pairCase>): JsonObject {
  const s = input[side];
  if (s !== undefined) return s.values;
  const values: JsonObject = { ...(side === 'a' ? input.link?.baseA : input.link?.baseB) };
  for (const c of input.conflicts) {
    const f = sync.def.fields.find((x) => x.name === c.field);
    if (f !== undefined) values[side === 'a' ? f.a : f.b] = side === 'a' ? c.aValue : c.bValue;
  }
  return values;
}

/** The conflicts still open after `plan`: the input's not closed (updated when planned again), and the new ones. */
function stillOpen(input: ReturnType<typeof pairCase>, plan: PairPlan): ConflictRow[] {
  const closed = new Set(plan.close.map((c) => c.id));
  const byField = new Map<string, ConflictRow>();
  for (const c of input.conflicts) if (!closed.has(c.id)) byField.set(c.field as string, c);
  for (const p of plan.conflicts)
    byField.set(p.field, conflictOf(p.field, { base: p.base, a: p.aValue, b: p.bValue }, undefined, 500));
  return [...byField.values()];
}

describe('planPair and planCreate, property: applying a plan converges', () => {
  it(`${PAIRS} random pairs (seed ${SEED}): planned again, nothing to write; restaged, every change an echo`, () => {
    const random = prng(SEED);
    const syncs = Array.from({ length: 16 }, () => makeSync(random));
    let echoes = 0;
    let written = 0;
    let conflicted = 0;
    for (let i = 0; i < PAIRS; i++) {
      const sync = syncs[i % syncs.length] as CompiledSync;
      const input = pairCase(sync, random);
      const plan = planPair(sync, input);
      if (plan.writeA !== undefined || plan.writeB !== undefined) written++;
      const sideA = { ...valuesBefore(sync, 'a', input), ...plan.writeA };
      const sideB = { ...valuesBefore(sync, 'b', input), ...plan.writeB };
      const link = linkOf(sync, plan.baseA, plan.baseB, input.link?.id ?? 1);
      expect([link.aHash, link.bHash], `pair ${i}: hashes of the bases`).toEqual([plan.aHash, plan.bHash]);
      const open = stillOpen(input, plan);
      if (open.length > 0) conflicted++;

      const idle = planPair(sync, { link, conflicts: open });
      const what = (p: PairPlan) => ({ writeA: p.writeA, writeB: p.writeB, close: p.close, conflicts: p.conflicts });
      const nothing = { writeA: undefined, writeB: undefined, close: [], conflicts: [] };
      expect(what(idle), `pair ${i}: planned again with nothing staged`).toEqual(nothing);

      const a = staged(sync, 'a', sideA);
      const b = staged(sync, 'b', sideB);
      const again = planPair(sync, { link, a, b, conflicts: open });
      expect(what(again), `pair ${i}: both sides restaged at their new values`).toEqual(nothing);
      if (open.length === 0) {
        expect([again.echoA, again.echoB], `pair ${i}: echoes`).toEqual([true, true]);
        echoes++;
      }
    }
    // the generator reaches every kind of outcome
    expect(echoes).toBeGreaterThan(PAIRS / 4);
    expect(written).toBeGreaterThan(PAIRS / 4);
    expect(conflicted).toBeGreaterThan(PAIRS / 20);
  });

  it(`${PAIRS} random creates (seed ${SEED}): the created record read back is the intent's hash and an echo`, () => {
    const random = prng(SEED + 1);
    const syncs = Array.from({ length: 16 }, () => makeSync(random));
    let creates = 0;
    for (let i = 0; i < PAIRS; i++) {
      const sync = syncs[i % syncs.length] as CompiledSync;
      const { a, b } = pairCase(sync, random);
      const change = random() < 0.5 ? (a ?? b) : (b ?? a);
      if (change === undefined) continue;
      creates++;
      const plan = planCreate(sync, change);
      const to = change.side === 'a' ? 'b' : 'a';
      // the new record holds what was written, and nothing (null) in the fields the create does not write
      const created = staged(sync, to, plan.values);
      expect(created.hash, `create ${i}: the intent's hash`).toBe(to === 'a' ? plan.aHash : plan.bHash);
      const link = linkOf(sync, plan.baseA, plan.baseB);
      const [sa, sb] = to === 'a' ? [created, change] : [change, created];
      const again = planPair(sync, { link, a: sa, b: sb, conflicts: [] });
      expect([again.echoA, again.echoB, again.writeA, again.writeB], `create ${i}`).toEqual([
        true,
        true,
        undefined,
        undefined,
      ]);
    }
    expect(creates).toBeGreaterThan(PAIRS * 0.8);
  });
});
