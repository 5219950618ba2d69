import { z } from 'zod';
import type { Json } from '../../sdk/index.js';

export const columnType = z.enum(['string', 'number', 'integer', 'boolean', 'date', 'json']);
export type ColumnType = z.infer<typeof columnType>;

/** A typed column as resolved from the flow file: `amount: number`, or `amount: { type: number, decimal: "," }`. */
export interface ColumnSpec {
  readonly type: ColumnType;
  /** Decimal separator of number columns ("." or ","). */
  readonly decimal: '.' | ',';
  /** Thousands separator removed before reading a number ("" for none). */
  readonly thousands: string;
}

export const columnSpec = z
  .union([
    columnType,
    z
      .object({
        type: columnType,
        /** Default "." — or "," when `thousands` is "." (German, Dutch, … exports). */
        decimal: z.enum(['.', ',']).optional(),
        thousands: z.enum(['', '.', ',', ' ', "'"]).default(''),
      })
      .strict()
      .transform((c) => ({ ...c, decimal: c.decimal ?? (c.thousands === '.' ? ',' : '.') }))
      .refine((c) => c.decimal !== c.thousands, {
        message: 'decimal and thousands separators must differ',
        path: ['thousands'],
      }),
  ])
  .transform((c): ColumnSpec => (typeof c === 'string' ? { type: c, decimal: '.', thousands: '' } : c));

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
export function converterFor(spec: ColumnSpec): Converter {
  const convert = converters[spec.type];
  const numeric = spec.type === 'number' || spec.type === 'integer';
  if (!numeric || (spec.decimal === '.' && spec.thousands === ''))
    return (text) => (text === '' ? null : convert(text));
  const { decimal, thousands } = spec;
  return (text) => {
    if (text === '') return null;
    // "1.234,5" with decimal "," and thousands "." reads as 1234.5; separators must group by three
    // ("12.5" is then neither 12.5 nor 125, but a bad value)
    let t = text;
    if (thousands !== '' && t.includes(thousands)) {
      if (!grouped(t.trim(), thousands, decimal)) return undefined;
      t = t.split(thousands).join('');
    }
    if (decimal === ',') {
      if (t.includes('.')) return undefined;
      t = t.replace(',', '.');
    }
    return convert(t);
  };
}

function escapeRegExp(c: string): string {
  return c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

const groupedPatterns = new Map<string, RegExp>();

/** Whether `text` groups its integer digits by three with `thousands` (e.g. 1.234.567,5). */
function grouped(text: string, thousands: string, decimal: string): boolean {
  const key = thousands + decimal;
  let pattern = groupedPatterns.get(key);
  if (pattern === undefined) {
    pattern = new RegExp(`^[+-]?\\d{1,3}(${escapeRegExp(thousands)}\\d{3})+(${escapeRegExp(decimal)}\\d*)?$`);
    groupedPatterns.set(key, pattern);
  }
  return pattern.test(text);
}

/** What a value of the column must look like, for messages. */
export function describeColumn(spec: ColumnSpec): string {
  if ((spec.type === 'number' || spec.type === 'integer') && spec.decimal === ',') {
    return spec.type === 'number' ? 'a number with a decimal comma (e.g. 12,5)' : 'a whole number';
  }
  return typeDescriptions[spec.type];
}

export const typeDescriptions: Record<ColumnType, string> = {
  string: 'text',
  number: 'a number (e.g. 12.5, -3, 1e6)',
  integer: 'a whole number',
  boolean: 'a boolean (true/false, yes/no, 1/0)',
  date: 'a date (YYYY-MM-DD or ISO 8601 date-time)',
  json: 'JSON',
};
