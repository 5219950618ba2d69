import { hash } from 'node:crypto';
import { parseIso, utcZone } from '../../kit/index.js';
import { canonicalJson, type Json } from '../../sdk/index.js';

/**
 * How a sync compares values of one field across systems that store them differently (docs/sync.md):
 * every value has a canonical token, and two values are the same when their tokens are equal.
 *
 * - null, undefined (missing) → `~`;
 * - numbers, and strings written as plain decimals (`-12`, `1.50`, `0.5`; no `+`, no exponent; leading
 *   zeros are kept, so `007` never equals 7: zip codes, phone numbers) → `#` + the shortest decimal
 *   (`1.50` and 1.5 → `#1.5`; digits beyond a double's precision in text are kept, so two long numeric
 *   ids never collide);
 * - booleans and the strings `true` / `false` → `#1` / `#0` (so `true`, 1, `"1"` and `"true"` are equal);
 * - date-time strings (`YYYY-MM-DD[T ]HH:MM…`, with or without seconds, fraction, `Z` or offset; no
 *   offset is read as UTC) → `@` + epoch millis (sub-millisecond digits dropped); a date without a time
 *   stays text;
 * - any other string → `'` + the string as is (no trimming: trimming is a transform);
 * - objects and arrays → their canonical JSON (sorted keys).
 */
export function canonical(value: Json | undefined): string {
  if (value === null || value === undefined) return '~';
  switch (typeof value) {
    case 'string':
      return canonicalString(value);
    case 'number':
      return `#${decimalOfNumber(value)}`;
    case 'boolean':
      return value ? '#1' : '#0';
    default:
      return canonicalJson(value);
  }
}

/** Whether two values of one field are equal after normalisation. */
export function sameValue(a: Json | undefined, b: Json | undefined): boolean {
  if (a === b) return true;
  return canonical(a) === canonical(b);
}

/** SHA-1 (hex) of the canonical tokens of `values` at `names`, in order: equal ⇔ every value the same. */
export function hashValues(names: readonly string[], values: { readonly [name: string]: Json | undefined }): string {
  let text = '';
  for (const name of names) {
    const token = canonical(values[name]);
    text += `${token.length}:${token}`;
  }
  return hash('sha1', text, 'hex'); // one-shot: a third of createHash's cost per record
}

function canonicalString(s: string): string {
  const n = s.length;
  if (n === 0) return "'";
  const c0 = s.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 45) {
    const decimal = plainDecimal(s);
    if (decimal !== undefined) return `#${decimal}`;
    if (n >= 16 && s.charCodeAt(4) === 45 && s.charCodeAt(7) === 45) {
      const sep = s.charCodeAt(10);
      if (sep === 84 || sep === 116 || sep === 32) {
        const ms = parseIso(s, utcZone);
        if (Number.isFinite(ms)) return `@${ms}`;
      }
    }
  } else if (s === 'true') return '#1';
  else if (s === 'false') return '#0';
  return `'${s}`;
}

/** `-?d+(.d+)?` without its trailing fraction zeros (`-0` is `0`); else undefined. */
function plainDecimal(s: string): string | undefined {
  const n = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0;
  const intStart = i;
  while (i < n && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57) i++;
  const intEnd = i;
  if (intEnd === intStart) return undefined;
  let end = n;
  if (i < n) {
    if (s.charCodeAt(i) !== 46 || i + 1 === n) return undefined;
    for (let j = i + 1; j < n; j++) {
      const c = s.charCodeAt(j);
      if (c < 48 || c > 57) return undefined;
    }
    while (s.charCodeAt(end - 1) === 48) end--;
    if (end === i + 1) end = i; // all-zero fraction: drop the point too
  }
  const text = end === n ? s : s.slice(0, end);
  return text === '-0' ? '0' : text;
}

/** A number as a plain decimal, as `plainDecimal` writes it (exponent forms expanded). */
function decimalOfNumber(x: number): string {
  if (Object.is(x, -0)) return '0';
  const text = String(x);
  const e = text.indexOf('e');
  if (e < 0 || !Number.isFinite(x)) return text;
  const negative = text.charCodeAt(0) === 45;
  const mantissa = text.slice(negative ? 1 : 0, e);
  const exponent = Number(text.slice(e + 1));
  const point = mantissa.indexOf('.');
  const digits = point < 0 ? mantissa : mantissa.slice(0, point) + mantissa.slice(point + 1);
  const pointAt = (point < 0 ? mantissa.length : point) + exponent;
  const body =
    pointAt <= 0
      ? `0.${'0'.repeat(-pointAt)}${digits}`
      : pointAt >= digits.length
        ? digits + '0'.repeat(pointAt - digits.length)
        : `${digits.slice(0, pointAt)}.${digits.slice(pointAt)}`;
  return negative ? `-${body}` : body;
}

/**
 * A change-cursor value as epoch millis, for the `newest` policy: ISO text (an offset, or UTC without
 * one), epoch numbers (seconds below 1e11, else millis; numeric text likewise). NaN when it is none.
 */
export function instantOf(value: Json): number {
  if (typeof value === 'number') return Math.abs(value) < 1e11 ? value * 1000 : value;
  if (typeof value !== 'string' || value === '') return Number.NaN;
  if (plainDecimal(value) !== undefined) return instantOf(Number(value));
  return parseIso(value, utcZone);
}
