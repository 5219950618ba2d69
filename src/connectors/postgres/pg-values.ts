import pg from 'pg';
import type { Json, JsonObject } from '../../sdk/index.js';

const defaultBytea = pg.types.getTypeParser(17, 'text') as (s: string) => Buffer;

/** Text parsers that give JSON: exact int8 and numeric (as text when beyond ±2^53), ISO timestamps, base64 bytea. */
const parsers = new Map<number, (s: string) => unknown>([
  [20, (s) => (Number.isSafeInteger(Number(s)) ? Number(s) : s)], // int8
  [1700, (s) => s], // numeric: exact, as text
  [1082, (s) => s], // date
  [1083, (s) => s], // time
  [1266, (s) => s], // timetz
  [1186, (s) => s], // interval
  [1114, (s) => s.replace(' ', 'T')], // timestamp (no zone)
  [1184, (s) => s.replace(' ', 'T').replace(/\+00(?::00)?$/, 'Z')], // timestamptz, session TimeZone=UTC
  [17, (s) => defaultBytea(s).toString('base64')], // bytea
]);

/** The `types` of every pool client: the parsers above, pg's defaults for the rest. */
export const jsonTypes: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    (format ?? 'text') === 'text'
      ? (parsers.get(oid) ?? pg.types.getTypeParser(oid, 'text'))
      : pg.types.getTypeParser(oid, 'binary')) as pg.CustomTypesConfig['getTypeParser'],
};

const noParse = pg.types.getTypeParser(25, 'text');

/** The text parser the pool clients use for a type (`jsonTypes`); undefined when the text is the value. */
export function textParser(oid: number): ((s: string) => unknown) | undefined {
  const parse = (jsonTypes.getTypeParser as (oid: number, format: 'text') => (s: string) => unknown)(oid, 'text');
  return parse === noParse ? undefined : parse;
}

/** A parsed value as JSON (arrays of dates, buffers and the like that the parsers above leave as objects). */
export function toJson(value: unknown): Json {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'object') return typeof value === 'bigint' ? String(value) : (value as Json);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : value.toISOString();
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(toJson);
  return value as JsonObject;
}

/** Record data from a row read with rowMode `array`, skipping the first `from` columns. */
export function rowBuilder(names: readonly string[], from: number): (row: unknown[]) => JsonObject {
  const count = names.length;
  return (row) => {
    const data: JsonObject = {};
    for (let i = from; i < count; i++) {
      const v = row[i];
      data[names[i] as string] = v === null || typeof v !== 'object' ? (v as Json) : toJson(v);
    }
    return data;
  };
}
