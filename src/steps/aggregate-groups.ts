import { FlowError, type Json, type StateEntry, type StepState } from '../sdk/index.js';
import type { Aggregate } from './aggregate-functions.js';

/** A group's partial aggregate: the sequence number of its first record, its `groupBy` values, one state per field. */
export interface Group {
  seq: number;
  readonly values: Json[];
  slots: unknown[];
}

/** A group as it is emitted: its key (JSON of its values; the store key when spilled) and state. */
export interface KeyedGroup {
  readonly key: string;
  readonly group: Group;
}

export interface GroupTableOptions {
  readonly aggregates: readonly Aggregate[];
  /** Groups held in memory; one more and they all go to the store (when there is one). */
  readonly maxGroups: number;
  /** The state store; absent (preview): everything stays in memory. */
  readonly state?: StepState;
  /** This step's namespace in the store, for this run. */
  readonly namespace: string;
  /** Before the first write to the store (to register the namespace for clean-up). */
  readonly beforeFirstSpill?: () => Promise<void>;
}

export interface GroupTable {
  /** The group with these values (copied when it is created, with `seq`: the caller may reuse the array). */
  group(values: readonly Json[], seq: number): Group;
  /** Spills every group to the store, merging, if more than `maxGroups` are held. Returns how many were written. */
  relieve(): Promise<number>;
  /**
   * Up to `limit` finished groups, then the next ones on the next call: insertion order when
   * nothing was spilled, else key order (after the groups still in memory are spilled too). `done`
   * when none are left; the store's entries are cleared then and the table starts over empty.
   */
  next(limit: number): Promise<{ groups: KeyedGroup[]; done: boolean; spilled: number }>;
}

/** Entries per `get`/`put` round trip when spilling. */
const SPILL_CHUNK = 5_000;

/**
 * Map key of a group, cheap for the common values: texts and numbers joined by U+0001 (a number
 * marked by a leading U+0002); anything else, or a text that could be mistaken, falls back to its
 * JSON after a U+0000, which no other key starts with.
 */
function mapKey(values: readonly Json[]): string {
  let key = '';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    let part: string;
    if (typeof v === 'string') {
      const c = v.charCodeAt(0);
      if (c === 2 || (c === 0 && i === 0) || (values.length > 1 && v.includes('\u0001')))
        return `\u0000${JSON.stringify(values)}`;
      part = v;
    } else if (typeof v === 'number') part = `\u0002${v}`;
    else return `\u0000${JSON.stringify(values)}`;
    key = i === 0 ? part : `${key}\u0001${part}`;
  }
  return key;
}

const storeKey = (values: readonly Json[]): string => JSON.stringify(values);

/** Groups of one aggregate step: in memory up to `maxGroups`, beyond that merged into the state store. */
export function createGroupTable(o: GroupTableOptions): GroupTable {
  const { aggregates } = o;
  let groups = new Map<string, Group>();
  let spilledBefore = false;
  let emitting: { memory: Iterator<Group>; left: number } | { after: string | undefined } | undefined;

  /** `later`'s records come after `earlier`'s; the result replaces both. */
  const merge = (a: Group, b: Group): Group => {
    const [earlier, later] = a.seq <= b.seq ? [a, b] : [b, a];
    return {
      seq: earlier.seq,
      values: earlier.values,
      slots: aggregates.map((agg, i) => agg.merge(earlier.slots[i], later.slots[i])),
    };
  };
  const save = (g: Group): Json => [g.seq, ...aggregates.map((agg, i) => agg.save(g.slots[i]))];
  /** A stored group; `values` when known (else read from the key). */
  const load = (key: string, saved: Json, values?: Json[]): Group => {
    if (!Array.isArray(saved) || saved.length !== aggregates.length + 1 || typeof saved[0] !== 'number') {
      throw new FlowError('INTERNAL', `aggregate group ${key}: unexpected spilled state ${JSON.stringify(saved)}`, {
        kind: 'system',
      });
    }
    return {
      seq: saved[0],
      values: values ?? (JSON.parse(key) as Json[]),
      slots: aggregates.map((agg, i) => agg.load(saved[i + 1] as Json)),
    };
  };

  const spill = async (state: StepState): Promise<number> => {
    if (groups.size === 0) return 0;
    if (!spilledBefore) await o.beforeFirstSpill?.();
    spilledBefore = true;
    const held = new Map<string, Group>();
    for (const group of groups.values()) held.set(storeKey(group.values), group);
    groups = new Map();
    const keys = [...held.keys()].sort(); // neighbouring keys: fewer store pages touched
    for (let i = 0; i < keys.length; i += SPILL_CHUNK) {
      const chunk = keys.slice(i, i + SPILL_CHUNK);
      const stored = await state.get(o.namespace, chunk);
      const entries: StateEntry[] = chunk.map((key) => {
        const group = held.get(key) as Group;
        const before = stored.get(key);
        return { key, value: save(before === undefined ? group : merge(load(key, before.value, group.values), group)) };
      });
      await state.put(o.namespace, entries);
    }
    return keys.length;
  };

  const finish = async () => {
    if (spilledBefore && o.state) await o.state.clear(o.namespace);
    groups = new Map();
    spilledBefore = false;
    emitting = undefined;
  };

  return {
    group(values, seq) {
      const k = mapKey(values);
      let g = groups.get(k);
      if (g === undefined) {
        g = { seq, values: values.slice(), slots: aggregates.map((agg) => agg.start()) };
        groups.set(k, g);
      }
      return g;
    },
    async relieve() {
      return o.state && groups.size > o.maxGroups ? spill(o.state) : 0;
    },
    async next(limit) {
      let spilled = 0;
      if (emitting === undefined) {
        if (spilledBefore && o.state) spilled = await spill(o.state);
        emitting = spilledBefore ? { after: undefined } : { memory: groups.values(), left: groups.size };
      }
      const out: KeyedGroup[] = [];
      let done: boolean;
      if ('memory' in emitting) {
        while (out.length < limit) {
          const n = emitting.memory.next();
          if (n.done) break;
          out.push({ key: storeKey(n.value.values), group: n.value });
        }
        emitting.left -= out.length;
        done = emitting.left <= 0;
      } else {
        const rows = o.state ? await o.state.scan(o.namespace, emitting.after, limit) : [];
        for (const r of rows) out.push({ key: r.key, group: load(r.key, r.value) });
        emitting.after = rows.at(-1)?.key ?? emitting.after;
        done = rows.length < limit;
      }
      if (done) await finish();
      return { groups: out, done, spilled };
    },
  };
}
