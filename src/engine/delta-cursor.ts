import { compileDateFormat, compileDateParse, resolveZone, type Zone } from '../kit/index.js';
import type { Json } from '../sdk/index.js';

/**
 * A cursor value read from a record: a point in time (epoch millis, normalised to UTC) or a growing
 * number, with the value as the source wrote it (`raw`), so that the next `since` can be written in
 * the source's own shape (a text column compares as text).
 */
export type Cursor = { readonly kind: 'time'; readonly ms: number; readonly raw: Json } | NumberCursor;
interface NumberCursor {
  readonly kind: 'number';
  readonly n: number;
  readonly raw: Json;
}

/** Reads and writes the cursor values of one delta-synced source. */
export interface CursorCodec {
  /** The cursor of a value, or why it is not one. */
  read(value: Json): Cursor | string;
  /** The value to hand the source as `since`: `at` written like `like` (its shape, in the source's zone). */
  write(cursor: Cursor, minus: number): Json;
  /** The normalised form kept in the store: ISO 8601 UTC, or the number. */
  normal(cursor: Cursor): Json;
}

const pad = (n: number, width = 2) => String(Math.trunc(n)).padStart(width, '0');

function offsetText(minutes: number, colon: boolean): string {
  const sign = minutes < 0 ? '-' : '+';
  const m = Math.abs(minutes);
  return `${sign}${pad(Math.floor(m / 60))}${colon ? ':' : ''}${pad(m % 60)}`;
}

/** Writes `ms` in the shape of an ISO-like text (separator, seconds, fraction digits, zone suffix). */
function isoLike(like: string, ms: number, zone: Zone): string {
  const suffix = /(Z|z|[+-]\d{2}:?\d{2})$/.exec(like)?.[1];
  const offset = suffix === undefined ? zone.offset(ms) : suffix === 'Z' || suffix === 'z' ? 0 : zone.offset(ms);
  const w = new Date(ms + offset * 60_000);
  const date = `${pad(w.getUTCFullYear(), 4)}-${pad(w.getUTCMonth() + 1)}-${pad(w.getUTCDate())}`;
  if (like.length <= 10) return date;
  const sep = like[10] === ' ' ? ' ' : 'T';
  const withSeconds = like.length >= 19 && like[16] === ':';
  const fraction = /[.,](\d+)/.exec(like.slice(19))?.[1]?.length ?? 0;
  let time = `${pad(w.getUTCHours())}:${pad(w.getUTCMinutes())}`;
  if (withSeconds || fraction > 0) time += `:${pad(w.getUTCSeconds())}`;
  if (fraction > 0) time += `.${pad(w.getUTCMilliseconds(), 3).padEnd(fraction, '0').slice(0, Math.max(fraction, 3))}`;
  const zoneText =
    suffix === undefined ? '' : suffix === 'Z' || suffix === 'z' ? 'Z' : offsetText(offset, suffix.includes(':'));
  return `${date}${sep}${time}${zoneText}`;
}

/**
 * The codec for `delta.timezone` and `delta.format`; a message when the zone or format is wrong.
 * Numbers are number cursors unless a format says they are epoch times (`millis`, `seconds`).
 */
export function cursorCodec(settings: { timezone?: string; format?: string }): CursorCodec | string {
  const zone = resolveZone(settings.timezone ?? 'UTC');
  if (!zone) return `unknown time zone "${settings.timezone}"`;
  const format = settings.format;
  const parse = compileDateParse(format, zone);
  if (typeof parse === 'string') return `delta.format "${format}": ${parse}`;
  const custom = format !== undefined && format !== 'iso' ? compileDateFormat(format, zone) : undefined;
  if (typeof custom === 'string') return `delta.format "${format}": ${custom}`;
  const epoch = format === 'millis' || format === 'seconds';
  return {
    read(value) {
      if (typeof value === 'number' && !epoch) {
        return Number.isFinite(value) ? { kind: 'number', n: value, raw: value } : `${value} is not a finite number`;
      }
      if (typeof value !== 'string' && typeof value !== 'number')
        return `${JSON.stringify(value)} is neither a timestamp nor a number`;
      const ms = parse(value);
      if (Number.isNaN(ms)) {
        return `${JSON.stringify(value)} is not a timestamp in ${format === undefined ? 'ISO 8601 form (2026-03-01T12:30:00Z, 2026-03-01 12:30:00)' : `the format "${format}"`}`;
      }
      return { kind: 'time', ms, raw: value };
    },
    write(cursor, minus) {
      if (cursor.kind === 'number') return cursor.n - minus;
      const ms = cursor.ms - minus;
      if (custom) return custom(ms);
      return typeof cursor.raw === 'string' ? isoLike(cursor.raw, ms, zone) : new Date(ms).toISOString();
    },
    normal(cursor) {
      return cursor.kind === 'number' ? cursor.n : new Date(cursor.ms).toISOString();
    },
  };
}

/** Orders two cursors of the same kind (a time and a number do not compare: undefined). */
export function compareCursors(a: Cursor, b: Cursor): number | undefined {
  if (a.kind === 'time' && b.kind === 'time') return a.ms - b.ms;
  if (a.kind === 'number' && b.kind === 'number') return a.n - b.n;
  return undefined;
}
