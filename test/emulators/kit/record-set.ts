import type { EmulatorClock } from './emulator-clock.js';

/** A stored record: the vendor's fields in `data`, the bookkeeping every vendor has beside them. */
export interface StoredRecord<T> {
  readonly id: string;
  readonly data: T;
  readonly createdAt: Date;
  /** Set by every insert, update and delete, from the clock: what delta queries compare. */
  readonly modifiedAt: Date;
  /** Set by a delete (records stay as tombstones, like Salesforce's recycle bin or HubSpot's archived). */
  readonly deletedAt?: Date;
  /** 1 at insert, +1 per update: an ETag. */
  readonly version: number;
  /** Insertion order (1, 2, …): breaks ties in every order, so pages are stable. */
  readonly seq: number;
}

/** A field of the data, or one of the bookkeeping fields. */
export type FieldName<T> = Extract<keyof T, string> | 'id' | 'createdAt' | 'modifiedAt' | 'seq';

export type FilterOp = 'eq' | 'ne' | 'gt' | 'gte' | 'lt' | 'lte' | 'in' | 'contains' | 'startsWith';

export interface Filter<T> {
  readonly field: FieldName<T>;
  readonly op: FilterOp;
  /** Dates compare with Dates or ISO strings; `in` takes an array. */
  readonly value: unknown;
}

export interface Order<T> {
  readonly field: FieldName<T>;
  readonly direction?: 'asc' | 'desc';
}

export interface Query<T> {
  readonly where?: readonly Filter<T>[];
  /** Ties are always broken by insertion order (`seq`), so every order is total (stable pages). */
  readonly orderBy?: readonly Order<T>[];
  readonly includeDeleted?: boolean;
}

export type UpsertResult<T> =
  | { readonly outcome: 'created' | 'updated'; readonly record: StoredRecord<T> }
  /** More than one record has the external id: nothing written (Salesforce answers 300). */
  | { readonly outcome: 'ambiguous'; readonly matches: readonly StoredRecord<T>[] };

export interface RecordSetOptions {
  readonly clock: EmulatorClock;
  /** Makes the id of the n-th record inserted (1, 2, …); default `String(n)`. */
  readonly id?: (n: number) => string;
}

export interface RecordSet<T extends object> {
  readonly size: number;
  get(id: string): StoredRecord<T> | undefined;
  /** `at` back-dates a seeded record; otherwise the clock's now. */
  insert(data: T, options?: { at?: Date; id?: string }): StoredRecord<T>;
  /** Merges `patch` into the record; undefined when there is none (or it is deleted). */
  update(id: string, patch: Partial<T>): StoredRecord<T> | undefined;
  /** Updates the one live record whose `field` equals `value`, or inserts `data`. */
  upsert(field: Extract<keyof T, string>, data: T): UpsertResult<T>;
  /** Marks the record deleted; false when there is none. */
  delete(id: string): boolean;
  query(query?: Query<T>): StoredRecord<T>[];
}

const millis = (v: unknown): unknown =>
  v instanceof Date ? v.getTime() : typeof v === 'string' && /^\d{4}-\d\d-\d\dT/.test(v) ? Date.parse(v) : v;

/** Orders two field values: Dates and ISO timestamps by time, numbers by value, the rest as text; missing first. */
export function compareValues(a: unknown, b: unknown): number {
  const x = millis(a);
  const y = millis(b);
  if (x === y) return 0;
  if (x === undefined || x === null) return -1;
  if (y === undefined || y === null) return 1;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  return String(x) < String(y) ? -1 : 1;
}

/** A record's value of a data or bookkeeping field. */
export function fieldOf<T>(record: StoredRecord<T>, field: FieldName<T>): unknown {
  if (field === 'id') return record.id;
  if (field === 'createdAt') return record.createdAt;
  if (field === 'modifiedAt') return record.modifiedAt;
  if (field === 'seq') return record.seq;
  return (record.data as Record<string, unknown>)[field];
}

function matches<T>(record: StoredRecord<T>, filter: Filter<T>): boolean {
  const value = fieldOf(record, filter.field);
  switch (filter.op) {
    case 'eq':
      return compareValues(value, filter.value) === 0;
    case 'ne':
      return compareValues(value, filter.value) !== 0;
    case 'gt':
      return compareValues(value, filter.value) > 0;
    case 'gte':
      return compareValues(value, filter.value) >= 0;
    case 'lt':
      return compareValues(value, filter.value) < 0;
    case 'lte':
      return compareValues(value, filter.value) <= 0;
    case 'in':
      return Array.isArray(filter.value) && filter.value.some((v) => compareValues(value, v) === 0);
    case 'contains':
      return typeof value === 'string' && value.includes(String(filter.value));
    case 'startsWith':
      return typeof value === 'string' && value.startsWith(String(filter.value));
  }
}

/** An in-memory collection of one record type, its timestamps on the emulator's clock. */
export function createRecordSet<T extends object>(options: RecordSetOptions): RecordSet<T> {
  const records = new Map<string, StoredRecord<T>>();
  const makeId = options.id ?? String;
  let inserted = 0;
  const live = (id: string) => {
    const r = records.get(id);
    return r && r.deletedAt === undefined ? r : undefined;
  };

  const set: RecordSet<T> = {
    get size() {
      return [...records.values()].filter((r) => r.deletedAt === undefined).length;
    },
    get: live,
    insert(data, { at, id } = {}) {
      inserted += 1;
      const key = id ?? makeId(inserted);
      if (records.has(key)) throw new Error(`a record with id ${key} exists already`);
      const when = at ?? options.clock.now();
      const record: StoredRecord<T> = {
        id: key,
        data: { ...data },
        createdAt: when,
        modifiedAt: when,
        version: 1,
        seq: inserted,
      };
      records.set(key, record);
      return record;
    },
    update(id, patch) {
      const old = live(id);
      if (!old) return undefined;
      const record = {
        ...old,
        data: { ...old.data, ...patch },
        modifiedAt: options.clock.now(),
        version: old.version + 1,
      };
      records.set(id, record);
      return record;
    },
    upsert(field, data) {
      const found = set.query({ where: [{ field, op: 'eq', value: data[field] }] });
      if (found.length > 1) return { outcome: 'ambiguous', matches: found };
      const [one] = found;
      if (one) return { outcome: 'updated', record: set.update(one.id, data)! };
      return { outcome: 'created', record: set.insert(data) };
    },
    delete(id) {
      const old = live(id);
      if (!old) return false;
      const now = options.clock.now();
      records.set(id, { ...old, modifiedAt: now, deletedAt: now });
      return true;
    },
    query({ where = [], orderBy = [], includeDeleted = false } = {}) {
      const found = [...records.values()].filter(
        (r) => (includeDeleted || r.deletedAt === undefined) && where.every((f) => matches(r, f)),
      );
      const order = [...orderBy, { field: 'seq' as FieldName<T>, direction: 'asc' as const }];
      return found.sort((a, b) => {
        for (const o of order) {
          const c = compareValues(fieldOf(a, o.field), fieldOf(b, o.field));
          if (c !== 0) return o.direction === 'desc' ? -c : c;
        }
        return 0;
      });
    },
  };
  return set;
}
