import { FixedOffsetZone, type Zone as LuxonZone } from 'luxon';

/** A time zone as the date transforms use it: UTC offset (minutes) at any instant. */
export interface Zone {
  readonly name: string;
  /** True for UTC and fixed offsets like `+02:00`. */
  readonly fixed: boolean;
  /** Minutes east of UTC at the instant `ms` (epoch millis). */
  offset(ms: number): number;
  /** The same zone for luxon, used for the less common format tokens. */
  readonly luxon: LuxonZone | string;
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CACHE_LIMIT = 4096;

/** Epoch millis of a wall-clock time read as UTC (years 0-99 included). */
export function utcMillis(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  if (y >= 0 && y < 100) {
    const date = new Date(t);
    date.setUTCFullYear(y);
    return date.getTime();
  }
  return t;
}

function fixedZone(name: string, minutes: number): Zone {
  return { name, fixed: true, offset: () => minutes, luxon: FixedOffsetZone.instance(minutes) };
}

export const utcZone: Zone = fixedZone('UTC', 0);

/**
 * Resolves `UTC`, `+02:00` / `UTC-5` or an IANA name (`Europe/Berlin`); undefined when unknown.
 * IANA offsets come from one cached Intl.DateTimeFormat, memoised per hour of time.
 */
export function resolveZone(name: string): Zone | undefined {
  const trimmed = name.trim();
  if (/^(utc|gmt|z|etc\/utc|etc\/gmt)$/i.test(trimmed)) return utcZone;
  const fixed = /^(?:utc|gmt)?\s*([+-])(\d{1,2})(?::?(\d{2}))?$/i.exec(trimmed);
  if (fixed) {
    const minutes = Number(fixed[2]) * 60 + Number(fixed[3] ?? 0);
    if (minutes > 18 * 60) return undefined;
    return fixedZone(trimmed, fixed[1] === '-' ? -minutes : minutes);
  }
  let format: Intl.DateTimeFormat;
  try {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: trimmed,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
  } catch {
    return undefined;
  }
  const exact = (ms: number): number => {
    const second = ms - (((ms % 1000) + 1000) % 1000);
    const p: Record<string, string> = {};
    for (const part of format.formatToParts(second)) p[part.type] = part.value;
    const year = p.era === 'BC' || p.era === 'B' ? 1 - Number(p.year) : Number(p.year);
    const wall = utcMillis(year, Number(p.month), Number(p.day), Number(p.hour), Number(p.minute), Number(p.second), 0);
    return (wall - second) / 60_000;
  };
  const cache = new Map<number, number>();
  const offset = (ms: number): number => {
    const hour = Math.floor(ms / HOUR);
    const hit = cache.get(hour);
    if (hit !== undefined) return hit;
    const start = exact(hour * HOUR);
    if (exact(hour * HOUR + HOUR - 1) !== start) return exact(ms);
    if (cache.size >= CACHE_LIMIT) cache.clear();
    cache.set(hour, start);
    return start;
  };
  return { name: trimmed, fixed: false, offset, luxon: trimmed };
}

/**
 * The instant of a wall-clock time (given as millis read as UTC) in a zone. A time that occurs
 * twice (clocks going back) is the earlier instant; one that does not exist (clocks going forward)
 * moves forward by the gap, as java.time does.
 */
export function wallToInstant(wall: number, zone: Zone): number {
  if (zone.fixed) return wall - zone.offset(wall) * 60_000;
  const before = zone.offset(wall - DAY);
  const after = zone.offset(wall + DAY);
  let best = Number.NaN;
  for (const candidate of [before, after]) {
    const t = wall - candidate * 60_000;
    if (zone.offset(t) === candidate && !(t >= best)) best = t;
  }
  return Number.isNaN(best) ? wall - before * 60_000 : best;
}
