import type { Context } from './context.js';
import { FlowError } from './errors.js';
import type { Json, JsonObject } from './json.js';
import type { CachedRow, LookupCache } from './lookup-cache.js';
import type { Failed } from './page.js';
import { type DataRecord, withData } from './record.js';
import type { ProcessResult } from './step.js';

/** Reads `a.b.0.c` out of record data. */
export function valueAt(data: JsonObject, path: string): Json | undefined {
  let current: Json | undefined = data;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = Array.isArray(current) ? current[Number(part)] : current[part];
  }
  return current;
}

/** The key of a tuple of match values: numbers and text compare by their text, as SQL servers convert them. */
export const lookupKeyOf = (values: readonly Json[]): string => JSON.stringify(values.map((v) => String(v)));

export interface TableLookupOptions {
  /** Table name as shown in messages. */
  readonly table: string;
  /** Table columns to match, and the record paths their values come from (same order). */
  readonly matchColumns: readonly string[];
  readonly matchPaths: readonly string[];
  /** Output field → table column. */
  readonly outputs: readonly (readonly [string, string])[];
  readonly onMissing: 'error' | 'skip' | 'null';
  readonly cache: LookupCache | undefined;
  readonly where: string;
  /** One query for every wanted key (key → match values); answers null where no row matched. */
  fetch(wanted: Map<string, Json[]>, ctx: Context): Promise<Map<string, CachedRow>>;
}

/**
 * The page logic every SQL lookup step shares: distinct keys of the page, cache first, one fetch for
 * the rest, then each record enriched, dropped or failed (RECORD_NOT_FOUND) as `onMissing` says.
 */
export function tableLookupProcessor(o: TableLookupOptions): {
  process(records: readonly DataRecord[], ctx: Context): Promise<ProcessResult>;
} {
  return {
    async process(records, ctx) {
      const keys: (string | undefined)[] = [];
      const answers = new Map<string, CachedRow>();
      const wanted = new Map<string, Json[]>();
      for (const record of records) {
        const values = o.matchPaths.map((p) => valueAt(record.data, p));
        if (values.some((v) => v === undefined || v === null || typeof v === 'object')) {
          keys.push(undefined);
          continue;
        }
        const k = lookupKeyOf(values as Json[]);
        keys.push(k);
        if (answers.has(k) || wanted.has(k)) continue;
        const cached = o.cache?.get(k);
        if (cached !== undefined) answers.set(k, cached);
        else wanted.set(k, values as Json[]);
      }
      if (wanted.size > 0) {
        for (const [k, row] of await o.fetch(wanted, ctx)) {
          answers.set(k, row);
          o.cache?.set(k, row);
        }
      }
      const out: DataRecord[] = [];
      const failed: Failed[] = [];
      records.forEach((record, i) => {
        const k = keys[i];
        const row = k === undefined ? null : (answers.get(k) ?? null);
        if (row === null && o.onMissing === 'skip') return;
        if (row === null && o.onMissing === 'error') {
          const shown = o.matchColumns.map(
            (c, j) => `${c} = ${JSON.stringify(valueAt(record.data, o.matchPaths[j] as string) ?? null)}`,
          );
          failed.push({
            record,
            error: new FlowError('RECORD_NOT_FOUND', `no row of ${o.table} where ${shown.join(' and ')}`, {
              where: `${o.where} record ${record.meta.id}`,
              field: o.matchPaths[0] as string,
              hint: `Add the row to ${o.table}, correct the record's ${o.matchPaths.join(', ')}, or set onMissing: skip|null.`,
            }),
          });
          return;
        }
        const data: JsonObject = { ...record.data };
        for (const [field, column] of o.outputs) data[field] = row === null ? null : (row[column] ?? null);
        out.push(withData(record, data));
      });
      return { records: out, failed };
    },
  };
}
