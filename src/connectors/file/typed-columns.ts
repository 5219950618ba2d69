import { z } from 'zod';
import type { Json } from '../../sdk/index.js';

export const columnType = z.enum(['string', 'number', 'integer', 'boolean', 'date', 'json']);
export type ColumnType = z.infer<typeof columnType>;

/** Converts one text value; returns `undefined` when the text is not a value of the type. */
export type Converter = (text: string) => Json | undefined;

const NUMBER = /^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;
const TRUE = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE = new Set(['false', 'no', 'n', '0', 'f']);

function toNumber(text: string): number | undefined {
  if (!NUMBER.test(text)) return undefined;
  const n = Number(text);
  return Number.isFinite(n) ? n : undefined;
}

/**
 * `YYYY-MM-DD` stays as it is (after checking the day exists); a date-time becomes an ISO 8601
 * UTC string. A date-time without a zone is read as UTC, never as the machine's local time.
 */
function toDate(text: string): string | undefined {
  const t = text.trim();
  const m = DATE.exec(t);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s, zone] = m;
  const day = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d)));
  if (day.getUTCMonth() !== Number(mo) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  if (h === undefined) return t;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s ?? 0) > 59) return undefined;
  const iso = t.replace(' ', 'T') + (zone === undefined ? 'Z' : '');
  const time = Date.parse(iso);
  return Number.isNaN(time) ? undefined : new Date(time).toISOString();
}

const converters: Record<ColumnType, Converter> = {
  string: (text) => text,
  number: toNumber,
  integer: (text) => {
    const n = toNumber(text);
    return n !== undefined && Number.isSafeInteger(n) ? n : undefined;
  },
  boolean: (text) => {
    const t = text.trim().toLowerCase();
    return TRUE.has(t) ? true : FALSE.has(t) ? false : undefined;
  },
  date: toDate,
  json: (text) => {
    try {
      return JSON.parse(text) as Json;
    } catch {
      return undefined;
    }
  },
};

/** The converter for a typed column: empty text is null, anything else must fit the type. */
export function converterFor(type: ColumnType): Converter {
  const convert = converters[type];
  return (text) => (text === '' ? null : convert(text));
}

export const typeDescriptions: Record<ColumnType, string> = {
  string: 'text',
  number: 'a number (e.g. 12.5, -3, 1e6)',
  integer: 'a whole number',
  boolean: 'a boolean (true/false, yes/no, 1/0)',
  date: 'a date (YYYY-MM-DD or ISO 8601 date-time)',
  json: 'JSON',
};
