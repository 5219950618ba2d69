import type { ConflictPolicy, SyncFieldDefinition } from '../../config/definition.js';
import type { Json, JsonObject } from '../../sdk/index.js';
import type { ConflictRow, StagedChange } from '../../store/sync-store.js';
import type { CompiledSync, PairInput, PairPlan, PlannedConflict, Side } from './sync-plan-types.js';
import { instantOf } from './sync-values.js';

/**
 * Who wins a field both sides changed to values that differ: the policy's side, the newer change
 * (`newest`: beyond `skewMs` apart; within it, or with a change time that is no time, nobody), or
 * nobody (`manual`). Nobody: a conflict for a person.
 */
export function conflictWinner(
  policy: ConflictPolicy,
  a: StagedChange,
  b: StagedChange,
  skewMs: number,
): Side | undefined {
  if (policy === 'a' || policy === 'b') return policy;
  if (policy === 'manual') return undefined;
  const at = instantOf(a.changedAt);
  const bt = instantOf(b.changedAt);
  if (!Number.isFinite(at) || !Number.isFinite(bt) || Math.abs(at - bt) <= skewMs) return undefined;
  return at > bt ? 'a' : 'b';
}

function fieldConflicts(conflicts: readonly ConflictRow[]): Map<string, ConflictRow> {
  const byField = new Map<string, ConflictRow>();
  for (const c of conflicts)
    if (c.kind === 'field' && c.field !== null && (c.status === 'open' || c.status === 'resolved'))
      byField.set(c.field, c);
  return byField;
}

/**
 * A side's values when nothing is staged for it: the link's base, except a field in conflict, whose
 * base is the one before the conflict: the side's value is the one the conflict recorded.
 */
function current(sync: CompiledSync, base: JsonObject, open: Map<string, ConflictRow>, side: Side): JsonObject {
  if (open.size === 0) return base;
  const values: JsonObject = { ...base };
  for (const f of sync.def.fields) {
    const c = open.get(f.name);
    if (c !== undefined) values[side === 'a' ? f.a : f.b] = side === 'a' ? c.aValue : c.bValue;
  }
  return values;
}

function changed(sync: CompiledSync, staged: boolean, hasBase: boolean, value: Json, base: Json | undefined): boolean {
  return staged && (!hasBase || !sync.same(value, base));
}

/**
 * Plans one pair, three-way and field by field (sync-plan-types.ts, docs/sync.md): what each side
 * changed since the link's base, which change goes where by the field's direction, what the policy
 * decides when both changed, which conflicts a person's resolution settles or that went away, and the
 * bases and hashes the link has once the writes are done.
 */
export function planPair(sync: CompiledSync, input: PairInput): PairPlan {
  const { def } = sync;
  const { link, a, b } = input;
  const hasBase = link !== undefined;
  const baseA: JsonObject = link?.baseA ?? {};
  const baseB: JsonObject = link?.baseB ?? {};
  const echoA = a !== undefined && link !== undefined && a.hash === link.aHash;
  const echoB = b !== undefined && link !== undefined && b.hash === link.bHash;
  const open = fieldConflicts(input.conflicts);
  const curA = a?.values ?? current(sync, baseA, open, 'a');
  const curB = b?.values ?? current(sync, baseB, open, 'b');
  const ta = sync.translate('a', curA);
  const tb = sync.translate('b', curB);

  const writeA: JsonObject = {};
  const writeB: JsonObject = {};
  const newA: JsonObject = {};
  const newB: JsonObject = {};
  const conflicts: PlannedConflict[] = [];
  const close: { id: number; status: 'applied' | 'cleared' }[] = [];
  let decided = 0;

  for (const f of def.fields) {
    const av = curA[f.a] ?? null;
    const bv = curB[f.b] ?? null;
    // each side's value in the other's terms (a field that does not map that way: as is; a mapping
    // that leaves the field out, onMissing omit: undefined, nothing to write)
    const aToB = goesTo(f, 'b') ? ta[f.b] : av;
    const bToA = goesTo(f, 'a') ? tb[f.a] : bv;
    let na: Json = av;
    let nb: Json = bv;
    let keepBase = false;
    const setA = (v: Json | undefined) => {
      if (v !== undefined && !sync.same(v, av)) na = writeA[f.a] = v;
    };
    const setB = (v: Json | undefined) => {
      if (v !== undefined && !sync.same(v, bv)) nb = writeB[f.b] = v;
    };
    // both sides hold corresponding values (compared through the field's mapping, either way)
    const converged = () => (aToB !== undefined && sync.same(aToB, bv)) || (bToA !== undefined && sync.same(bToA, av));
    const c = open.get(f.name);
    const take = c?.status === 'resolved' ? c.resolution?.take : undefined;
    if (c !== undefined && (take === 'a' || take === 'b' || take === 'value')) {
      if (take === 'a') setB(aToB);
      else if (take === 'b') setA(bToA);
      else {
        const value = c.resolution?.value ?? null;
        setA(value);
        setB(sync.translate('a', { ...curA, [f.a]: value })[f.b] ?? value);
      }
      close.push({ id: c.id, status: 'applied' });
    } else if (c !== undefined && c.status === 'open') {
      if (converged()) close.push({ id: c.id, status: 'cleared' });
      else {
        keepBase = true;
        if (!sync.same(c.aValue, av) || !sync.same(c.bValue, bv))
          conflicts.push({ field: f.name, base: c.base, aValue: av, bValue: bv });
      }
    } else {
      const aChanged = !echoA && changed(sync, a !== undefined, hasBase, av, baseA[f.a]);
      const bChanged = !echoB && changed(sync, b !== undefined, hasBase, bv, baseB[f.b]);
      if (!aChanged && !bChanged) {
        // nothing to do: the field stays as it is on both sides
      } else if (f.direction === 'a-to-b' || (f.direction === 'both' && !bChanged)) setB(aToB);
      else if (f.direction === 'b-to-a' || !aChanged) setA(bToA);
      else if (!converged()) {
        const winner = conflictWinner(
          f.conflict ?? def.conflicts.policy,
          a as StagedChange,
          b as StagedChange,
          def.conflicts.skewMs,
        );
        if (winner === 'a') setB(aToB);
        else if (winner === 'b') setA(bToA);
        else {
          keepBase = true;
          conflicts.push({ field: f.name, base: baseA[f.a] ?? null, aValue: av, bValue: bv });
        }
        if (winner !== undefined) decided++;
      }
    }
    newA[f.a] = keepBase ? (baseA[f.a] ?? null) : na;
    newB[f.b] = keepBase ? (baseB[f.b] ?? null) : nb;
  }

  return {
    ...(Object.keys(writeA).length > 0 ? { writeA } : {}),
    ...(Object.keys(writeB).length > 0 ? { writeB } : {}),
    baseA: newA,
    baseB: newB,
    aHash: sync.hash('a', newA),
    bHash: sync.hash('b', newB),
    conflicts,
    close,
    echoA,
    echoB,
    decided,
  };
}

/** Whether the field's changes go to `to`. */
function goesTo(f: SyncFieldDefinition, to: Side): boolean {
  return f.direction === 'both' || f.direction === (to === 'b' ? 'a-to-b' : 'b-to-a');
}
