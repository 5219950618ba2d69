import type { JsonObject } from './json.js';

/** Where a record came from; carried along every step so errors can name it. */
export interface RecordMeta {
  /** Stable id within the source: a primary key, or `line:42` for a file. */
  readonly id: string;
  /** Human-readable position, e.g. `orders.csv:42`. */
  readonly position?: string;
}

/** One business record flowing through a flow. `data` is plain JSON. */
export interface DataRecord {
  readonly data: JsonObject;
  readonly meta: RecordMeta;
  /** Optional business key (set by sources that know it). */
  readonly key?: string;
}

export function createRecord(data: JsonObject, meta: RecordMeta, key?: string): DataRecord {
  return key === undefined ? { data, meta } : { data, meta, key };
}

/** The same record with new data (meta and key kept). */
export function withData(record: DataRecord, data: JsonObject): DataRecord {
  return record.key === undefined ? { data, meta: record.meta } : { data, meta: record.meta, key: record.key };
}
