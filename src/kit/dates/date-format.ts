import { DateTime } from 'luxon';
import type { Json } from '../../sdk/index.js';
import { fastFormatTokens, tokenizeFormat } from './date-tokens.js';
import type { Zone } from './zone.js';

/** Turns an instant (epoch millis) into the output value. */
export type DateFormatter = (ms: number) => Json;

type Emit = (w: Date, offset: number, ms: number) => string;

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));
const pad3 = (n: number): string => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : String(n));
function pad4(n: number): string {
  if (n >= 1000 && n <= 9999) return String(n);
  if (n >= 0 && n < 1000) return String(n).padStart(4, '0');
  return (n < 0 ? '-' : '+') + String(Math.abs(n)).padStart(6, '0');
}

function offsetText(minutes: number, style: 'narrow' | 'short' | 'techie'): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(Math.round(minutes));
  const h = Math.trunc(abs / 60);
  const m = abs % 60;
  if (style === 'narrow') return m === 0 ? `${sign}${h}` : `${sign}${h}:${pad2(m)}`;
  return style === 'short' ? `${sign}${pad2(h)}:${pad2(m)}` : `${sign}${pad2(h)}${pad2(m)}`;
}

const emitters: Record<string, Emit> = {
  yyyy: (w) => pad4(w.getUTCFullYear()),
  yy: (w) => pad2(((w.getUTCFullYear() % 100) + 100) % 100),
  y: (w) => String(w.getUTCFullYear()),
  MM: (w) => pad2(w.getUTCMonth() + 1),
  M: (w) => String(w.getUTCMonth() + 1),
  dd: (w) => pad2(w.getUTCDate()),
  d: (w) => String(w.getUTCDate()),
  HH: (w) => pad2(w.getUTCHours()),
  H: (w) => String(w.getUTCHours()),
  hh: (w) => pad2(w.getUTCHours() % 12 || 12),
  h: (w) => String(w.getUTCHours() % 12 || 12),
  mm: (w) => pad2(w.getUTCMinutes()),
  m: (w) => String(w.getUTCMinutes()),
  ss: (w) => pad2(w.getUTCSeconds()),
  s: (w) => String(w.getUTCSeconds()),
  SSS: (w) => pad3(w.getUTCMilliseconds()),
  a: (w) => (w.getUTCHours() < 12 ? 'AM' : 'PM'),
  Z: (_w, o) => offsetText(o, 'narrow'),
  ZZ: (_w, o) => offsetText(o, 'short'),
  ZZZ: (_w, o) => offsetText(o, 'techie'),
  X: (_w, _o, ms) => String(Math.floor(ms / 1000)),
  x: (_w, _o, ms) => String(ms),
};

/** ISO 8601 with milliseconds: `Z` in UTC, the offset elsewhere. */
function isoFormatter(zone: Zone): DateFormatter {
  if (zone.fixed && zone.offset(0) === 0) return (ms) => new Date(ms).toISOString();
  return (ms) => {
    const offset = zone.offset(ms);
    const w = new Date(ms + offset * 60_000);
    return `${pad4(w.getUTCFullYear())}-${pad2(w.getUTCMonth() + 1)}-${pad2(w.getUTCDate())}T${pad2(
      w.getUTCHours(),
    )}:${pad2(w.getUTCMinutes())}:${pad2(w.getUTCSeconds())}.${pad3(w.getUTCMilliseconds())}${offsetText(offset, 'short')}`;
  };
}

/**
 * Compiles an output format (`iso`, `millis`, `seconds` or luxon-style tokens) for a zone.
 * Common tokens become concatenated closures; the rest go through luxon. A message when invalid.
 */
export function compileDateFormat(format: string | undefined, zone: Zone): DateFormatter | string {
  if (format === undefined || format === 'iso') return isoFormatter(zone);
  if (format === 'millis') return (ms) => ms;
  if (format === 'seconds') return (ms) => Math.floor(ms / 1000);
  const parts = tokenizeFormat(format);
  if (typeof parts === 'string') return parts;
  if (!parts.every((p) => !('token' in p) || fastFormatTokens.has(p.token))) {
    return (ms) => DateTime.fromMillis(ms, { zone: zone.luxon, locale: 'en-US' }).toFormat(format);
  }
  const pieces = parts.map((p): Emit => {
    if ('literal' in p) {
      const text = p.literal;
      return () => text;
    }
    return emitters[p.token] as Emit;
  });
  const utc = zone.fixed && zone.offset(0) === 0;
  if (pieces.length === 5 && parts[1] && 'literal' in parts[1] && parts[3] && 'literal' in parts[3]) {
    const [e0, , e2, , e4] = pieces as [Emit, Emit, Emit, Emit, Emit];
    const l1 = parts[1].literal;
    const l3 = parts[3].literal;
    return (ms) => {
      const offset = utc ? 0 : zone.offset(ms);
      const w = new Date(ms + offset * 60_000);
      return e0(w, offset, ms) + l1 + e2(w, offset, ms) + l3 + e4(w, offset, ms);
    };
  }
  return (ms) => {
    const offset = utc ? 0 : zone.offset(ms);
    const w = new Date(ms + offset * 60_000);
    let out = '';
    for (const piece of pieces) out += piece(w, offset, ms);
    return out;
  };
}
