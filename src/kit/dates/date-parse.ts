import { DateTime } from 'luxon';
import type { Json } from '../../sdk/index.js';
import { type FormatPart, fastParseTokens, tokenizeFormat } from './date-tokens.js';
import { utcMillis, wallToInstant, type Zone } from './zone.js';

/** Turns an input value into epoch millis; NaN when it is not a date in the expected form. */
export type DateParser = (value: Json) => number;

const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

function validDate(y: number, mo: number, d: number, h: number, mi: number, s: number): boolean {
  if (!(mo >= 1 && mo <= 12 && d >= 1 && d <= (DAYS[mo - 1] as number))) return false;
  if (!(y >= 0 && h >= 0 && h <= 23 && mi >= 0 && mi <= 59 && s >= 0 && s <= 59)) return false;
  return !(mo === 2 && d === 29 && !(y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)));
}

function digits(s: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return n;
}

/**
 * ISO 8601 (`2024-03-05`, `2024-03-05T10:20`, `…:30.123Z`, `… 10:20:30+01:00`, `+0100`, `+01`),
 * parsed by character codes. Without an offset the wall time is read in `zone`.
 */
export function parseIso(s: string, zone: Zone): number {
  const n = s.length;
  if (n < 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return Number.NaN;
  const y = digits(s, 0, 4);
  const mo = digits(s, 5, 2);
  const d = digits(s, 8, 2);
  let h = 0;
  let mi = 0;
  let sec = 0;
  let ms = 0;
  let i = 10;
  if (i < n && (s[i] === 'T' || s[i] === 't' || s[i] === ' ')) {
    if (n < i + 6 || s.charCodeAt(i + 3) !== 58) return Number.NaN;
    h = digits(s, i + 1, 2);
    mi = digits(s, i + 4, 2);
    i += 6;
    if (i < n && s.charCodeAt(i) === 58) {
      sec = digits(s, i + 1, 2);
      i += 3;
      if (i < n && (s[i] === '.' || s[i] === ',')) {
        let j = i + 1;
        let scale = 100;
        while (j < n && s.charCodeAt(j) >= 48 && s.charCodeAt(j) <= 57) {
          ms += (s.charCodeAt(j) - 48) * scale;
          scale /= 10;
          j++;
        }
        if (j === i + 1) return Number.NaN;
        ms = Math.floor(ms);
        i = j;
      }
    }
  }
  if (!validDate(y, mo, d, h, mi, sec)) return Number.NaN;
  const wall = utcMillis(y, mo, d, h, mi, sec, ms);
  if (i === n) return wallToInstant(wall, zone);
  const c = s[i];
  if ((c === 'Z' || c === 'z') && i + 1 === n) return wall;
  if (c !== '+' && c !== '-') return Number.NaN;
  const rest = n - i - 1;
  const oh = digits(s, i + 1, 2);
  let om = 0;
  if (rest === 5 && s.charCodeAt(i + 3) === 58) om = digits(s, i + 4, 2);
  else if (rest === 4) om = digits(s, i + 3, 2);
  else if (rest !== 2) return Number.NaN;
  const offset = (oh * 60 + om) * (c === '-' ? -1 : 1);
  return wall - offset * 60_000; // NaN propagates from bad digits
}

const patterns: Record<string, string> = {
  yyyy: '(\\d{4})',
  MM: '(\\d{2})',
  M: '(\\d{1,2})',
  dd: '(\\d{2})',
  d: '(\\d{1,2})',
  HH: '(\\d{2})',
  H: '(\\d{1,2})',
  hh: '(\\d{2})',
  h: '(\\d{1,2})',
  mm: '(\\d{2})',
  m: '(\\d{1,2})',
  ss: '(\\d{2})',
  s: '(\\d{1,2})',
  SSS: '(\\d{3})',
  a: '([AaPp][Mm])',
  Z: '([+-]\\d{1,2}(?::\\d{2})?|Z)',
  ZZ: '([+-]\\d{2}:\\d{2}|Z)',
  ZZZ: '([+-]\\d{4}|Z)',
  X: '(-?\\d+)',
  x: '(-?\\d+)',
};

function parseOffset(text: string): number {
  if (text === 'Z') return 0;
  const m = /^([+-])(\d{1,2}):?(\d{2})?$/.exec(text);
  if (!m) return Number.NaN;
  return (Number(m[2]) * 60 + Number(m[3] ?? 0)) * (m[1] === '-' ? -1 : 1);
}

/** A parser for a format of fast tokens only, built on one anchored regular expression. */
function fastParser(parts: readonly FormatPart[], zone: Zone): (s: string) => number {
  const tokens: string[] = [];
  let source = '^';
  for (const p of parts) {
    if ('literal' in p) source += p.literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    else {
      source += patterns[p.token];
      tokens.push(p.token);
    }
  }
  const re = new RegExp(`${source}$`);
  return (s) => {
    const m = re.exec(s.trim());
    if (!m) return Number.NaN;
    let [y, mo, d, h, mi, sec, ms] = [1970, 1, 1, 0, 0, 0, 0];
    let pm: boolean | undefined;
    let offset: number | undefined;
    for (let i = 0; i < tokens.length; i++) {
      const t = tokens[i] as string;
      const v = m[i + 1] as string;
      const k = t[0];
      if (t === 'X' || t === 'x') return Number(v) * (t === 'X' ? 1000 : 1);
      if (k === 'y') y = Number(v);
      else if (k === 'M') mo = Number(v);
      else if (k === 'd') d = Number(v);
      else if (k === 'H' || k === 'h') h = Number(v);
      else if (k === 'm') mi = Number(v);
      else if (k === 's') sec = Number(v);
      else if (k === 'S') ms = Number(v);
      else if (k === 'a') pm = v.toLowerCase() === 'pm';
      else offset = parseOffset(v);
    }
    if (pm !== undefined) {
      if (h < 1 || h > 12) return Number.NaN;
      h = (h % 12) + (pm ? 12 : 0);
    }
    if (!validDate(y, mo, d, h, mi, sec)) return Number.NaN;
    const wall = utcMillis(y, mo, d, h, mi, sec, ms);
    return offset === undefined ? wallToInstant(wall, zone) : wall - offset * 60_000;
  };
}

/**
 * Compiles the input side of a date transform. Numbers are epoch millis; strings are ISO 8601
 * unless `parse` gives a format (`iso`, `millis`, `seconds`, or luxon-style tokens such as
 * `dd.MM.yyyy HH:mm`). Wall times without an offset are read in `zone`. A message when invalid.
 */
export function compileDateParse(parse: string | undefined, zone: Zone): DateParser | string {
  const epoch = (scale: number) => (value: Json) => {
    const n =
      typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : Number.NaN;
    return Number.isFinite(n) ? n * scale : Number.NaN;
  };
  if (parse === 'millis') return epoch(1);
  if (parse === 'seconds') return epoch(1000);
  let fromString: (s: string) => number = (s) => parseIso(s, zone);
  if (parse !== undefined && parse !== 'iso') {
    const parts = tokenizeFormat(parse);
    if (typeof parts === 'string') return parts;
    if (parts.every((p) => !('token' in p) || fastParseTokens.has(p.token))) fromString = fastParser(parts, zone);
    else
      fromString = (s) => {
        const dt = DateTime.fromFormat(s.trim(), parse, { zone: zone.luxon, locale: 'en-US' });
        return dt.isValid ? dt.toMillis() : Number.NaN;
      };
  }
  return (value) => {
    if (typeof value === 'string') return fromString(value);
    if (typeof value === 'number' && Number.isFinite(value)) return value;
    return Number.NaN;
  };
}
