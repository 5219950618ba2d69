import { compilePath } from '../kit/index.js';
import { FlowError, type Json, type JsonObject } from '../sdk/index.js';
import type { AggregateField, AggregateFunction } from './aggregate-config.js';
import { toNumber } from './convert.js';
import { addExact, exactTotal, mergeExact } from './exact-sum.js';
import { badValue } from './problems.js';

/**
 * One output field of an aggregate, compiled. A group holds one partial state per field; partial
 * states of the same group (one in memory, one spilled to the store) merge into one. Every state
 * can be saved as JSON and loaded back.
 */
export interface Aggregate {
  /** The output field. */
  readonly name: string;
  /**
   * The value a record gives this field, checked and converted; `undefined` when it gives none
   * (missing or null). Throws RECORD_BAD_VALUE for a value the function cannot take.
   */
  take(data: JsonObject): unknown;
  /** The state of a group without records. */
  start(): unknown;
  /** The state with one more value (may change `state` in place). */
  add(state: unknown, value: unknown): unknown;
  /** One state of two partial states of a group; `earlier` holds records read before `later`'s (may change either). */
  merge(earlier: unknown, later: unknown): unknown;
  /** The output value. */
  result(state: unknown): Json;
  save(state: unknown): Json;
  load(saved: Json): unknown;
}

/** An aggregate with its state type `S` and value type `V` spelt out. */
interface Typed<S, V> {
  readonly name: string;
  take(data: JsonObject): V | undefined;
  start(): S;
  add(state: S, value: V): S;
  merge(earlier: S, later: S): S;
  result(state: S): Json;
  save(state: S): Json;
  load(saved: Json): S;
}

/** Erases the state type: the group table only hands each aggregate back its own states. */
const typed = <S, V>(a: Typed<S, V>): Aggregate => a as unknown as Aggregate;

type Comparable = number | string;

/** Numbers compare as numbers, text as text (by UTF-16 code units); every number sorts before any text. */
export function compareValues(a: Comparable, b: Comparable): number {
  if (typeof a === typeof b) return a < b ? -1 : a > b ? 1 : 0;
  return typeof a === 'number' ? -1 : 1;
}

const isNumbers = (v: Json): v is number[] => Array.isArray(v) && v.every((x) => typeof x === 'number');

/** A state loaded from the store that is not what this field saves: the store holds another run's data. */
function corrupt(name: string, saved: Json): FlowError {
  return new FlowError('INTERNAL', `aggregate field ${name}: unexpected spilled state ${JSON.stringify(saved)}`, {
    kind: 'system',
  });
}

interface Collected {
  values: Json[];
  /** With `distinct`: the values held, as keys. */
  seen?: Set<string>;
}

const valueKey = (v: Json): string =>
  typeof v === 'string' ? `s${v}` : typeof v === 'number' ? `n${v}` : `j${JSON.stringify(v)}`;

/**
 * Compiles one output field. `where` and `field` (`fields.revenue`) name it in config errors.
 * Throws CONFIG_INVALID for a malformed path.
 */
export function compileAggregate(name: string, spec: AggregateField, where: string): Aggregate {
  const fn = (['count', 'sum', 'avg', 'min', 'max', 'first', 'last', 'collect'] as const).find(
    (f) => spec[f] !== undefined,
  ) as AggregateFunction;
  const source = spec[fn] as string | true;
  let read: (data: JsonObject) => Json | undefined = () => true;
  if (source !== true) {
    const compiled = compilePath(source);
    if (typeof compiled === 'string') {
      throw new FlowError('CONFIG_INVALID', `${where}: fields.${name}.${fn}: ${compiled}`, {
        field: `fields.${name}.${fn}`,
        hint: 'Write a path such as total, customer.id or lines[0].sku.',
      });
    }
    read = compiled;
  }
  const path = source === true ? name : source;
  const present = (data: JsonObject): Json | undefined => {
    const v = read(data);
    return v === null ? undefined : v;
  };
  const number = (data: JsonObject): number | undefined => {
    const v = read(data);
    if (v === undefined || v === null) return undefined;
    const n = toNumber(v);
    if (n === undefined) throw badValue(path, v, `is not a number (${name}: ${fn} ${path})`);
    return n ?? undefined;
  };
  const comparable = (data: JsonObject): Comparable | undefined => {
    const v = read(data);
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'number' || typeof v === 'string') return v;
    throw badValue(path, v, `cannot be compared (${name}: ${fn} ${path} takes numbers or text)`);
  };
  const nullable = (saved: Json): Json => saved;

  switch (fn) {
    case 'count':
      return typed<number, true>({
        name,
        take: (data) => (present(data) === undefined ? undefined : true),
        start: () => 0,
        add: (s) => s + 1,
        merge: (a, b) => a + b,
        result: (s) => s,
        save: (s) => s,
        load: (saved) => {
          if (typeof saved !== 'number') throw corrupt(name, saved);
          return saved;
        },
      });
    case 'sum':
      return typed<number[], number>({
        name,
        take: number,
        start: () => [],
        add: addExact,
        merge: mergeExact,
        result: (s) => (s.length === 0 ? null : exactTotal(s)),
        save: (s) => s,
        load: (saved) => {
          if (!isNumbers(saved)) throw corrupt(name, saved);
          return saved;
        },
      });
    case 'avg':
      // the count of numbers and their exact sum: averages merge without loss
      return typed<{ n: number; sum: number[] }, number>({
        name,
        take: number,
        start: () => ({ n: 0, sum: [] }),
        add: (s, v) => {
          s.n += 1;
          s.sum = addExact(s.sum, v);
          return s;
        },
        merge: (a, b) => {
          a.n += b.n;
          a.sum = mergeExact(a.sum, b.sum);
          return a;
        },
        result: (s) => (s.n === 0 ? null : exactTotal(s.sum) / s.n),
        save: (s) => [s.n, ...s.sum],
        load: (saved) => {
          if (!isNumbers(saved) || saved.length === 0) throw corrupt(name, saved);
          return { n: saved[0] as number, sum: saved.slice(1) };
        },
      });
    case 'min':
    case 'max': {
      const better =
        fn === 'min'
          ? (a: Comparable, b: Comparable) => compareValues(a, b) < 0
          : (a: Comparable, b: Comparable) => compareValues(a, b) > 0;
      return typed<Comparable | null, Comparable>({
        name,
        take: comparable,
        start: () => null,
        add: (s, v) => (s === null || better(v, s) ? v : s),
        merge: (a, b) => (a === null ? b : b === null || !better(b, a) ? a : b),
        result: (s) => s,
        save: (s) => s,
        load: (saved) => {
          if (saved !== null && typeof saved !== 'number' && typeof saved !== 'string') throw corrupt(name, saved);
          return saved;
        },
      });
    }
    case 'first':
      return typed<Json, Json>({
        name,
        take: present,
        start: () => null,
        add: (s, v) => (s === null ? v : s),
        merge: (a, b) => (a === null ? b : a),
        result: (s) => s,
        save: (s) => s,
        load: nullable,
      });
    case 'last':
      return typed<Json, Json>({
        name,
        take: present,
        start: () => null,
        add: (_s, v) => v,
        merge: (a, b) => (b === null ? a : b),
        result: (s) => s,
        save: (s) => s,
        load: nullable,
      });
    case 'collect': {
      const limit = spec.limit ?? Number.POSITIVE_INFINITY;
      const distinct = spec.distinct === true;
      const add = (s: Collected, v: Json): Collected => {
        if (s.values.length >= limit) return s;
        if (distinct) {
          s.seen ??= new Set(s.values.map(valueKey));
          const key = valueKey(v);
          if (s.seen.has(key)) return s;
          s.seen.add(key);
        }
        s.values.push(v);
        return s;
      };
      return typed<Collected, Json>({
        name,
        take: present,
        start: () => ({ values: [] }),
        add,
        merge: (a, b) => {
          for (const v of b.values) {
            if (a.values.length >= limit) break;
            add(a, v);
          }
          return a;
        },
        result: (s) => s.values,
        save: (s) => s.values,
        load: (saved) => {
          if (!Array.isArray(saved)) throw corrupt(name, saved);
          return { values: saved };
        },
      });
    }
  }
}
