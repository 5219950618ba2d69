import type { KeyedWrites } from '../../sdk/destination.js';
import type { Json, JsonObject } from '../../sdk/json.js';
import type { DataRecord } from '../../sdk/record.js';
import type { PageMarkersConfig } from './page-marker.js';
import type { TableOperation } from './table-destination-config.js';
import { missingKeyError, type WriteOutcome } from './table-writes.js';

/**
 * A SQL table destination's writes by key for a bi-directional sync: the same table config with
 * `operation` insert, update or delete and `key: [key]`. Inserts report each row's key as its id
 * (`keyId`), the one the record carries or the one the database generated. No page markers: a batch
 * found already written would return no ids, and the sync's links (a create's intent) already make
 * a create happen once.
 */
export function tableKeyedWrites<
  C extends { operation: TableOperation; key?: string[] | undefined; pageMarkers?: PageMarkersConfig },
>(): KeyedWrites<C> {
  return {
    operations: ['insert', 'update', 'delete'],
    config: (config, operation, key) => ({ ...config, operation, key: [key], pageMarkers: false }),
  };
}

/** A key value as an id: text as is, a number or boolean as its text, anything else as JSON. */
function idText(value: Json): string {
  return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/**
 * The id of a row by its key columns' values (`WriteResult.ids`): the one column's value as text, or
 * the JSON array of the values for a key of several columns; undefined when a value is missing (the
 * database generates it, and the writer reads it back).
 */
export function keyId(data: JsonObject, key: readonly string[]): string | undefined {
  if (key.length === 0) return undefined;
  if (key.length === 1) {
    const v = data[key[0] as string];
    return v === undefined || v === null ? undefined : idText(v);
  }
  const values: Json[] = [];
  for (const k of key) {
    const v = data[k];
    if (v === undefined || v === null) return undefined;
    values.push(v);
  }
  return JSON.stringify(values);
}

/** True when the record leaves a key column to the database (an insert whose id is read back). */
export function generatesKey(data: JsonObject, key: readonly string[]): boolean {
  for (const k of key) {
    const v = data[k];
    if (v === undefined || v === null) return true;
  }
  return false;
}

/** The record's data without its key columns that hold null: the database gives them (an insert by a key). */
export function withoutNullKey(data: JsonObject, key: readonly string[]): JsonObject {
  const copy: JsonObject = { ...data };
  for (const k of key) if (copy[k] === null) delete copy[k];
  return copy;
}

/** How a server table writer writes its records by key: what `rowData` needs of it. */
export interface KeyedRows {
  readonly operation: TableOperation;
  readonly key: readonly string[];
  /** Inserts by a key: an id per record, in `out.ids`. */
  readonly withIds: boolean;
  readonly where: string;
}

/**
 * The data a table writer writes for a record: an insert by a key leaves a missing key to the
 * database (its null key columns left out, the id read back later) and else notes the record's key as
 * its id; the other operations need the key (RECORD_NO_KEY, pushed to `out.rejected`: undefined).
 */
export function rowData(record: DataRecord, index: number, out: WriteOutcome, how: KeyedRows): JsonObject | undefined {
  const { key, withIds } = how;
  let data = record.data;
  if (withIds && generatesKey(data, key)) data = withoutNullKey(data, key);
  else if (withIds && out.ids) out.ids[index] = keyId(data, key);
  const noKey = how.operation === 'insert' ? undefined : missingKeyError(data, key, record.meta.id, how.where);
  if (noKey === undefined) return data;
  out.rejected.push({ index, error: noKey });
  return undefined;
}
