import { type Clock, FlowError, type Json } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import type { ConflictFilter, ConflictResolution, ConflictRow } from '../store/sync-store.js';
import type { SyncInfo, SyncLookup } from './sync-lookup.js';
import { type SyncMask, syncMask } from './sync-masking.js';

/** The conflicts to act on: these ids, or every open conflict matching a filter. */
export type ConflictTarget = { readonly ids: readonly number[] } | { readonly filter: ConflictFilter };

/** How conflicts are shown: masked by their sync's `pii:` (from `file`, else the file of its last run). */
export interface SyncView {
  readonly unmask?: boolean | undefined;
  readonly file?: string | undefined;
}

export interface ShownConflict {
  readonly conflict: ConflictRow;
  readonly sync: SyncInfo;
  /** A field conflict's field on each side (its own names); null for match conflicts or an unknown field. */
  readonly names: { readonly a: string; readonly b: string } | null;
}

export interface SyncConflicts {
  /** Conflicts matching the filter (oldest first, cursor paging by id), with how many match in all. */
  list(
    filter: ConflictFilter & { readonly limit: number },
    view?: SyncView,
  ): Promise<{ conflicts: ConflictRow[]; total: number; syncs: Record<string, SyncInfo> }>;
  show(id: number, view?: SyncView): Promise<ShownConflict>;
  /** The open conflicts a target names (every one of them: a filter is paged through to its end), oldest first. */
  select(target: ConflictTarget): Promise<ConflictRow[]>;
  /**
   * Resolves the open conflicts a target names, all or none: each must suit the resolution (`a`, `b`,
   * `value` for field conflicts; `pair`, `separate` for match conflicts). The next run of each sync
   * applies them. Returns the conflicts resolved.
   */
  resolve(target: ConflictTarget, resolution: ConflictResolution, note?: string): Promise<ConflictRow[]>;
}

const PAGE = 1000;

const notFound = (id: number, why = 'no conflict has this id') =>
  new FlowError('SYNC_CONFLICT_NOT_FOUND', `conflict ${id}: ${why}`);

/**
 * A match conflict's candidates: its `candidates` hold the record first (`{ side, rid, values }`), then
 * the records of the other side it matches; those are returned.
 */
export function matchCandidates(c: ConflictRow): { side: 'a' | 'b'; rid: string; values: Json }[] {
  const own = c.aId !== null ? 'a' : 'b';
  return (Array.isArray(c.candidates) ? c.candidates : []).flatMap((x) =>
    x !== null &&
    typeof x === 'object' &&
    !Array.isArray(x) &&
    typeof x.rid === 'string' &&
    (x.side === 'a' || x.side === 'b') &&
    x.side !== own
      ? [{ side: x.side, rid: x.rid, values: x.values ?? null }]
      : [],
  );
}

/** Why a resolution does not suit a conflict, or undefined when it does. */
export function resolutionProblem(c: ConflictRow, r: ConflictResolution): string | undefined {
  if (r.take === 'pair' || r.take === 'separate') {
    if (c.kind !== 'match')
      return `conflict ${c.id} is a field conflict (${c.field}): take a, b or a value, not "${r.take}"`;
    if (r.take === 'separate') return undefined;
    const rids = matchCandidates(c).map((x) => x.rid);
    if (r.pairWith === undefined) return `conflict ${c.id}: name the candidate to pair the record with`;
    if (!rids.includes(r.pairWith))
      return `conflict ${c.id}: "${r.pairWith}" is not one of its candidates (${rids.join(', ') || 'none'})`;
    return undefined;
  }
  if (c.kind !== 'field')
    return `conflict ${c.id} is a match conflict (${c.aId ?? c.bId}): pair it with one candidate or keep the records separate, not "take ${r.take}"`;
  if (r.take === 'value' && r.value === undefined) return `conflict ${c.id}: give the value to write to both sides`;
  return undefined;
}

export function createSyncConflicts(deps: { store: StateStore; lookup: SyncLookup; clock: Clock }): SyncConflicts {
  const { store, lookup } = deps;
  const sync = () => store.sync;

  /** The sync of each conflict and its mask (a sync whose file cannot be read: every value masked). */
  const views = async (names: Iterable<string>, view: SyncView) => {
    const out = new Map<string, { info: SyncInfo; mask: SyncMask }>();
    for (const name of names) {
      if (out.has(name)) continue;
      const info = await lookup
        .find(name, view.file)
        .catch((): SyncInfo => ({ name, file: null, def: undefined, labels: { a: 'a', b: 'b' } }));
      out.set(name, { info, mask: syncMask(info.def, view.unmask === true) });
    }
    return out;
  };

  const select = async (target: ConflictTarget): Promise<ConflictRow[]> => {
    if ('ids' in target) {
      const rows: ConflictRow[] = [];
      for (const id of target.ids) {
        const c = await sync().getConflict(id);
        if (!c) throw notFound(id);
        if (c.status !== 'open') throw notFound(id, `it is ${c.status}, not open`);
        rows.push(c);
      }
      return rows;
    }
    const rows: ConflictRow[] = [];
    let afterId = target.filter.afterId ?? 0;
    for (;;) {
      const page = await sync().listConflicts({ ...target.filter, status: 'open', afterId, limit: PAGE });
      rows.push(...page);
      const last = page.at(-1);
      if (!last || page.length < PAGE) return rows;
      afterId = last.id;
    }
  };

  return {
    async list(filter, view = {}) {
      if (filter.sync !== undefined) await lookup.find(filter.sync, view.file);
      const [rows, total] = await Promise.all([
        sync().listConflicts(filter),
        sync().countConflicts({ ...filter, afterId: undefined, limit: undefined }),
      ]);
      const seen = await views(
        rows.map((c) => c.sync),
        view,
      );
      return {
        conflicts: rows.map((c) => seen.get(c.sync)?.mask.conflict(c) ?? c),
        total,
        syncs: Object.fromEntries([...seen].map(([name, v]) => [name, v.info])),
      };
    },

    async show(id, view = {}) {
      const found = await sync().getConflict(id);
      if (!found) throw notFound(id);
      const seen = (await views([found.sync], view)).get(found.sync);
      const info = seen?.info ?? { name: found.sync, file: null, def: undefined, labels: { a: 'a', b: 'b' } };
      const field = info.def?.fields.find((f) => f.name === found.field);
      return {
        conflict: seen ? seen.mask.conflict(found) : found,
        sync: info,
        names: field ? { a: field.a, b: field.b } : null,
      };
    },

    select,

    async resolve(target, resolution, note) {
      const rows = await select(target);
      const problems = rows.map((c) => resolutionProblem(c, resolution)).filter((p): p is string => p !== undefined);
      if (problems.length > 0)
        throw new FlowError('CONFIG_INVALID', `nothing resolved: ${problems.slice(0, 5).join('; ')}`, {
          hint:
            problems.length > 5
              ? `${problems.length} conflicts do not suit this resolution; narrow the selection (kind, field, sync)`
              : 'field conflicts take a, b or a value; match conflicts are paired with a candidate or kept separate',
        });
      if (rows.length === 0) return [];
      const ids = await sync().resolveConflicts(
        { ids: rows.map((c) => c.id) },
        resolution,
        note ?? null,
        deps.clock.now(),
      );
      const resolved = new Set(ids);
      return rows.filter((c) => resolved.has(c.id));
    },
  };
}
