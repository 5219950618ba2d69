import type { ConflictRow, LinkRow, SyncStore } from '../../src/store/sync-store.js';
import type { Tables } from './convergence-model.js';
import type { SideTable, Value } from './side-tables.js';

/**
 * One round of what users do to both sides between two sync runs, from the seeded generator: creates
 * (on one side, or the same customer on both: a pair for the match rule), updates of linked records
 * (often the same record on both sides, at times within and beyond the conflict skew), soft deletes;
 * every tenth round instead resolves the open conflicts, taking side a or b.
 */

export interface Generator {
  readonly rand: () => number;
  readonly crm: SideTable;
  readonly erp: SideTable;
  /** Grows with every email handed out: emails stay unique. */
  next: number;
}

const tiers = ['gold', 'silver', 'bronze'];
const levels = ['G', 'S', 'B'];
const fieldsA = ['email', 'name', 'tier', 'qty', 'note'];
const fieldsB = ['email_address', 'full_name', 'level', 'qty', 'remark'];

function pick<T>(g: Generator, xs: readonly T[]): T {
  return xs[Math.floor(g.rand() * xs.length)] as T;
}

/** A new value of field index `i` on a side (its own terms). */
function value(g: Generator, side: 'a' | 'b', i: number, round: number): Value {
  const tag = `${round}.${Math.floor(g.rand() * 1e6)}`;
  switch (i) {
    case 0:
      return side === 'a' ? `u${++g.next}@example.com` : `u${++g.next}@example.com`;
    case 1:
      return `Name ${tag}`;
    case 2:
      return pick(g, side === 'a' ? tiers : levels);
    case 3:
      return Math.floor(g.rand() * 100);
    default:
      return `note ${tag}`;
  }
}

function record(g: Generator, side: 'a' | 'b', round: number, email: string): Record<string, Value> {
  const names = side === 'a' ? fieldsA : fieldsB;
  const out: Record<string, Value> = {};
  names.forEach((n, i) => {
    out[n] = i === 0 ? email : value(g, side, i, round);
  });
  return out;
}

async function create(g: Generator, round: number, T: number, twin: boolean, side: 'a' | 'b'): Promise<void> {
  const n = ++g.next;
  const at = () => T + Math.floor(g.rand() * 300_000);
  if (twin) {
    // the same customer typed on both sides: the match rule (trim, lowercase) pairs them
    await g.crm.insert(record(g, 'a', round, `Twin${n}@Example.com`), at());
    await g.erp.insert(record(g, 'b', round, `  twin${n}@example.com `), at());
  } else if (side === 'a') await g.crm.insert(record(g, 'a', round, `c${n}@example.com`), at());
  else await g.erp.insert(record(g, 'b', round, `e${n}@example.com`), at());
}

function someFields(g: Generator): number[] {
  const chosen = [0, 1, 2, 3, 4].filter(() => g.rand() < 0.35);
  return chosen.length > 0 ? chosen : [Math.floor(g.rand() * 5)];
}

async function update(g: Generator, side: 'a' | 'b', id: string, which: number[], round: number, at: number) {
  const names = side === 'a' ? fieldsA : fieldsB;
  const values: Record<string, Value> = {};
  for (const i of which) values[names[i] as string] = value(g, side, i, round);
  await (side === 'a' ? g.crm : g.erp).update(id, values, at);
}

export async function roundEdits(
  g: Generator,
  round: number,
  T: number,
  before: Tables,
  links: readonly LinkRow[],
  open: readonly ConflictRow[],
  sync: SyncStore,
  now: Date,
): Promise<Map<string, 'a' | 'b'>> {
  const resolved = new Map<string, 'a' | 'b'>();
  if (round === 0) {
    for (let i = 0; i < 10; i++) await create(g, round, T, true, 'a');
    for (let i = 0; i < 5; i++) await create(g, round, T, false, 'a');
    for (let i = 0; i < 5; i++) await create(g, round, T, false, 'b');
    return resolved;
  }
  if (round % 10 === 9 && open.length > 0) {
    for (const c of open) {
      const take = g.rand() < 0.5 ? 'a' : 'b';
      const ids = await sync.resolveConflicts({ ids: [c.id] }, { take }, null, now);
      if (ids.length === 1) resolved.set(`${c.linkId}:${c.field}`, take);
    }
    return resolved;
  }
  if (g.rand() < 0.1) await create(g, round, T, true, 'a');
  if (g.rand() < 0.3) await create(g, round, T, false, 'a');
  if (g.rand() < 0.3) await create(g, round, T, false, 'b');
  const live = links.filter(
    (l) =>
      l.status === 'linked' &&
      l.aId !== null &&
      l.bId !== null &&
      before.a.get(l.aId)?.deleted === false &&
      before.b.get(l.bId)?.deleted === false,
  );
  if (live.length === 0) return resolved;
  const deleted = new Set<number>();
  for (const side of ['a', 'b'] as const) {
    if (g.rand() >= 0.08) continue;
    const l = pick(g, live);
    deleted.add(l.id);
    const at = T + Math.floor(g.rand() * 300_000);
    if (side === 'a') await g.crm.softDelete(l.aId as string, at);
    else await g.erp.softDelete(l.bId as string, at);
  }
  const edits = 1 + Math.floor(g.rand() * 4);
  for (let e = 0; e < edits; e++) {
    const l = pick(g, live);
    if (deleted.has(l.id)) continue;
    const first: 'a' | 'b' = g.rand() < 0.5 ? 'a' : 'b';
    const at1 = T + 100_000 + Math.floor(g.rand() * 100_000);
    const which = someFields(g);
    await update(g, first, first === 'a' ? (l.aId as string) : (l.bId as string), which, round, at1);
    if (g.rand() < 0.4) {
      // the same record changed on the other side before the next run: close together (a conflict) or not
      const second = first === 'a' ? 'b' : 'a';
      const close = g.rand() < 0.5;
      const offset = close
        ? Math.floor((g.rand() - 0.5) * 100_000)
        : (g.rand() < 0.5 ? -1 : 1) * (70_000 + Math.floor(g.rand() * 30_000));
      const fields = g.rand() < 0.6 ? which : someFields(g);
      await update(g, second, second === 'a' ? (l.aId as string) : (l.bId as string), fields, round, at1 + offset);
    }
  }
  return resolved;
}
