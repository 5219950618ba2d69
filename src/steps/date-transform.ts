import { compileDateFormat, compileDateParse, resolveZone, utcZone, type Zone } from '../kit/index.js';
import type { Json } from '../sdk/index.js';
import { at, badValue, configError, type Site } from './problems.js';

export interface DateOptions {
  /** Input format when the value is a string in another form than ISO 8601. */
  readonly parse?: string;
  /** Zone of input wall times without an offset (default UTC). */
  readonly zone?: string;
  /** Output format (default ISO 8601). */
  readonly format?: string;
  /** Zone the output is written in (default UTC). */
  readonly outputZone?: string;
}

const KEYS = new Set(['parse', 'zone', 'format', 'outputZone']);

function zoneOption(options: Record<string, unknown>, key: string, site: Site): Zone {
  const name = options[key];
  if (name === undefined) return utcZone;
  const zone = typeof name === 'string' ? resolveZone(name) : undefined;
  if (!zone)
    throw configError(
      at(site, key),
      `unknown time zone ${JSON.stringify(name)}`,
      'Use an IANA name like Europe/Berlin, UTC or an offset like +02:00.',
    );
  return zone;
}

function stringOption(options: Record<string, unknown>, key: string, site: Site): string | undefined {
  const value = options[key];
  if (value === undefined || typeof value === 'string') return value;
  throw configError(at(site, key), `must be a string, got ${JSON.stringify(value)}`);
}

/** Compiles `{ date: { parse, zone, format, outputZone } }` into a value → value closure. */
export function compileDateTransform(options: unknown, site: Site, field: string): (value: Json) => Json {
  const opts = (options ?? {}) as Record<string, unknown>;
  if (typeof opts !== 'object' || Array.isArray(opts))
    throw configError(site, 'date options must be an object like { format: "yyyy-MM-dd", zone: Europe/Berlin }');
  for (const key of Object.keys(opts))
    if (!KEYS.has(key))
      throw configError(at(site, key), `unknown date option "${key}"`, 'Use parse, zone, format or outputZone.');
  const parse = compileDateParse(stringOption(opts, 'parse', site), zoneOption(opts, 'zone', site));
  if (typeof parse === 'string') throw configError(at(site, 'parse'), `bad date format: ${parse}`);
  const format = compileDateFormat(stringOption(opts, 'format', site), zoneOption(opts, 'outputZone', site));
  if (typeof format === 'string') throw configError(at(site, 'format'), `bad date format: ${format}`);
  const expected =
    typeof opts.parse === 'string' ? `a date in format "${opts.parse}"` : 'an ISO 8601 date or epoch millis';
  return (value) => {
    const ms = parse(value);
    if (Number.isNaN(ms) || Math.abs(ms) > 8.64e15) {
      if (typeof value === 'string' && value.trim() === '') return null;
      throw badValue(field, value, `is not ${expected} (transform date)`);
    }
    return format(ms);
  };
}
