import type { ConflictRow, LinkRow } from '../../src/store/sync-store.js';
import type { Row, Value } from './side-tables.js';

/**
 * What a sync run must have done, worked out from the tables alone: the rows before the round's edits
 * (`before`), just before the run (`edited`) and after it (`after`), the links and open conflicts
 * before and after. Returns every broken invariant as a sentence (empty: the run was right).
 */

export interface ModelField {
  readonly name: string;
  readonly a: string;
  readonly b: string;
  /** Side a's value in side b's terms, and back. */
  readonly toB: (v: Value) => Value;
  readonly toA: (v: Value) => Value;
  readonly manual: boolean;
}

export interface Tables {
  readonly a: Map<string, Row>;
  readonly b: Map<string, Row>;
}

export interface RoundState {
  readonly fields: readonly ModelField[];
  readonly skewMs: number;
  readonly before: Tables;
  readonly edited: Tables;
  readonly after: Tables;
  readonly linksBefore: readonly LinkRow[];
  readonly linksAfter: readonly LinkRow[];
  /** Open conflicts before the run (resolved ones not included) and after it. */
  readonly openBefore: readonly ConflictRow[];
  readonly openAfter: readonly ConflictRow[];
  /** Conflicts resolved by a person this round: `linkId:field` → the side taken. */
  readonly resolved: ReadonlyMap<string, 'a' | 'b'>;
}

/** Equal after normalisation: null = missing, numbers by value, text exactly. */
export function same(x: Value | undefined, y: Value | undefined): boolean {
  if (x === null || x === undefined || y === null || y === undefined) return (x ?? null) === (y ?? null);
  if (typeof x === 'number' || typeof y === 'number') return Number(x) === Number(y);
  return x === y;
}

const show = (v: Value | undefined) => JSON.stringify(v ?? null);

export function checkRound(s: RoundState): string[] {
  const problems: string[] = [];
  const fail = (m: string) => problems.push(m);
  const conflictKey = (c: ConflictRow) => `${c.linkId}:${c.field}`;
  const openBefore = new Set(s.openBefore.filter((c) => c.kind === 'field').map(conflictKey));
  const openAfter = new Set<string>();
  for (const c of s.openAfter) {
    if (c.kind !== 'field')
      fail(`unexpected ${c.kind} conflict #${c.id} (a ${c.aId}, b ${c.bId}): every email is unique`);
    else openAfter.add(conflictKey(c));
  }
  const expectedOpen = new Set<string>();
  const before = new Map(s.linksBefore.map((l) => [l.id, l]));

  // one link per record, every live record linked, no link to a missing row, no link left half done
  const byA = new Map<string, LinkRow>();
  const byB = new Map<string, LinkRow>();
  for (const l of s.linksAfter) {
    if (l.status !== 'linked') fail(`link #${l.id} (a ${l.aId}, b ${l.bId}) is ${l.status} after a completed run`);
    for (const [id, seen, side] of [
      [l.aId, byA, 'a'],
      [l.bId, byB, 'b'],
    ] as const) {
      if (id === null) continue;
      const other = seen.get(id);
      if (other) fail(`record ${side}:${id} has two links (#${other.id} and #${l.id})`);
      seen.set(id, l);
    }
    if (l.aId !== null && !s.after.a.has(l.aId)) fail(`link #${l.id} names a:${l.aId}, which does not exist`);
    if (l.bId !== null && !s.after.b.has(l.bId)) fail(`link #${l.id} names b:${l.bId}, which does not exist`);
  }
  for (const [side, rows, seen] of [
    ['a', s.after.a, byA],
    ['b', s.after.b, byB],
  ] as const) {
    for (const row of rows.values())
      if (!row.deleted && !seen.has(row.id)) fail(`record ${side}:${row.id} has no link`);
  }

  for (const l of s.linksAfter) {
    if (l.aId === null || l.bId === null) continue;
    const qa = s.after.a.get(l.aId);
    const qb = s.after.b.get(l.bId);
    if (!qa || !qb) continue;
    const ra = s.edited.a.get(l.aId);
    const rb = s.edited.b.get(l.bId);
    const pa = s.before.a.get(l.aId);
    const pb = s.before.b.get(l.bId);
    const where = `pair #${l.id} (a ${l.aId}, b ${l.bId})`;
    if (ra?.deleted || rb?.deleted || qa.deleted || qb.deleted) {
      if (!(qa.deleted && qb.deleted)) fail(`${where}: deleted on one side only (a ${qa.deleted}, b ${qb.deleted})`);
      continue;
    }
    const old = before.get(l.id);
    const existing =
      old !== undefined && old.aId === l.aId && old.bId === l.bId && pa !== undefined && pb !== undefined;
    let kind: 'existing' | 'twin' | 'createdOnB' | 'createdOnA';
    if (existing) kind = 'existing';
    else if (ra && rb && !pa && !pb) kind = 'twin';
    else if (ra && !rb && !pa) kind = 'createdOnB';
    else if (rb && !ra && !pb) kind = 'createdOnA';
    else {
      fail(`${where}: a new link between records that existed before this round (were they unlinked?)`);
      continue;
    }
    for (const f of s.fields) {
      const key = `${l.id}:${f.name}`;
      const got = { a: qa.values[f.a] ?? null, b: qb.values[f.b] ?? null };
      let want: { a: Value; b: Value; open: boolean };
      if (kind === 'createdOnB' && ra)
        want = { a: ra.values[f.a] ?? null, b: f.toB(ra.values[f.a] ?? null), open: false };
      else if (kind === 'createdOnA' && rb)
        want = { a: f.toA(rb.values[f.b] ?? null), b: rb.values[f.b] ?? null, open: false };
      else {
        const va = ra?.values[f.a] ?? null;
        const vb = rb?.values[f.b] ?? null;
        const ca = kind === 'twin' || !same(va, pa?.values[f.a]);
        const cb = kind === 'twin' || !same(vb, pb?.values[f.b]);
        const keep = { a: va, b: vb };
        const taken = s.resolved.get(key);
        const agree = same(f.toB(va), vb);
        const aWins = { a: va, b: f.toB(va), open: false };
        const bWins = { a: f.toA(vb), b: vb, open: false };
        if (taken) want = taken === 'a' ? aWins : bWins;
        else if (openBefore.has(key)) want = { ...keep, open: !agree };
        else if (ca && cb) {
          const delta = (ra?.at ?? 0) - (rb?.at ?? 0);
          if (agree) want = { ...keep, open: false };
          else if (f.manual || Math.abs(delta) <= s.skewMs) want = { ...keep, open: true };
          else want = delta > 0 ? aWins : bWins;
        } else if (ca) want = aWins;
        else if (cb) want = bWins;
        else want = { ...keep, open: false };
      }
      if (want.open) expectedOpen.add(key);
      if (!same(got.a, want.a) || !same(got.b, want.b))
        fail(
          `${where} (${kind}) field ${f.name}: a=${show(got.a)} b=${show(got.b)}, expected a=${show(want.a)} b=${show(want.b)}`,
        );
      if (want.open !== openAfter.has(key)) {
        const history = `before a=${show(pa?.values[f.a])} b=${show(pb?.values[f.b])}; edited a=${show(ra?.values[f.a])} at ${ra?.at} b=${show(rb?.values[f.b])} at ${rb?.at}`;
        fail(
          `${where} (${kind}) field ${f.name}: conflict ${openAfter.has(key) ? 'open' : 'not open'}, expected ${want.open ? 'open' : 'none'} (${history}; open before: ${openBefore.has(key)})`,
        );
      }
    }
  }
  for (const key of openAfter)
    if (!expectedOpen.has(key)) {
      const [linkId] = key.split(':');
      const l = s.linksAfter.find((x) => String(x.id) === linkId);
      const deleted = l && (s.after.a.get(l.aId ?? '')?.deleted || s.after.b.get(l.bId ?? '')?.deleted);
      if (!deleted && !problems.some((p) => p.startsWith(`pair #${linkId} `)))
        fail(`conflict ${key} is open but no pair/field expects it (link ${l ? `a ${l.aId}, b ${l.bId}` : 'gone'})`);
    }
  return problems;
}
