import type { Json } from '../sdk/index.js';
import { roundTo, toBoolean, toNumber, toText } from './convert.js';
import { compileDateTransform } from './date-transform.js';
import { at, badValue, configError, type Site, suggest } from './problems.js';

/** Converts one present (non-null) value; may return null (e.g. `number` of an empty string). */
export type Transform = (value: Json) => Json;

type Factory = (option: unknown, site: Site, field: string) => Transform;

function text(field: string, name: string, f: (s: string) => Json): Transform {
  return (value) => {
    if (typeof value === 'string') return f(value);
    if (typeof value === 'number' || typeof value === 'boolean') return f(String(value));
    throw badValue(field, value, `is not text (transform ${name})`);
  };
}

function nonNegativeInteger(option: unknown, site: Site, fallback?: number): number {
  const value = option === undefined || option === null ? fallback : option;
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 100) return value;
  throw configError(site, `needs a whole number from 0 to 100, got ${JSON.stringify(option)}`);
}

function separator(option: unknown, site: Site): string {
  if (option === undefined || option === null) return ',';
  if (typeof option === 'string') return option;
  throw configError(site, `needs a separator string, got ${JSON.stringify(option)}`);
}

const factories: Record<string, Factory> = {
  lowercase: (_o, _s, field) => text(field, 'lowercase', (s) => s.toLowerCase()),
  uppercase: (_o, _s, field) => text(field, 'uppercase', (s) => s.toUpperCase()),
  trim: (_o, _s, field) => text(field, 'trim', (s) => s.trim()),
  string: () => toText,
  number: (_o, _s, field) => (value) => {
    const n = toNumber(value);
    if (n === undefined) throw badValue(field, value, 'is not a number (transform number)');
    return n;
  },
  integer: (_o, _s, field) => (value) => {
    const n = toNumber(value);
    if (n === undefined || (n !== null && !Number.isSafeInteger(n)))
      throw badValue(field, value, 'is not a whole number (transform integer; use round first to round)');
    return n;
  },
  boolean: (_o, _s, field) => (value) => {
    const b = toBoolean(value);
    if (b === undefined)
      throw badValue(field, value, 'is not a boolean: use true/false, yes/no, y/n, on/off or 1/0 (transform boolean)');
    return b;
  },
  round: (option, site, field) => {
    const digits = nonNegativeInteger(option, site, 0);
    return (value) => {
      const n = toNumber(value);
      if (n === undefined) throw badValue(field, value, 'is not a number (transform round)');
      return n === null ? null : roundTo(n, digits);
    };
  },
  truncate: (option, site, field) => {
    const length = nonNegativeInteger(option, site);
    return text(field, 'truncate', (s) => (s.length > length ? s.slice(0, length) : s));
  },
  split: (option, site, field) => {
    const sep = separator(option, site);
    return text(field, 'split', (s) => (s === '' ? [] : s.split(sep)));
  },
  join: (option, site, field) => {
    const sep = separator(option, site);
    return (value) => {
      if (!Array.isArray(value)) throw badValue(field, value, 'is not a list (transform join)');
      return value.map((v) => (v === null ? '' : toText(v))).join(sep);
    };
  },
  date: (option, site, field) => compileDateTransform(option, site, field),
};

export const transformNames: readonly string[] = Object.keys(factories);

function compileOne(spec: unknown, site: Site, field: string): Transform {
  let name: string;
  let option: unknown;
  if (typeof spec === 'string') name = spec;
  else if (spec !== null && typeof spec === 'object' && !Array.isArray(spec) && Object.keys(spec).length === 1) {
    name = Object.keys(spec)[0] as string;
    option = (spec as Record<string, unknown>)[name];
  } else
    throw configError(
      site,
      `a transform is a name like "trim" or an object with one key like { round: 2 }, got ${JSON.stringify(spec)}`,
    );
  const factory = Object.hasOwn(factories, name) ? factories[name] : undefined;
  if (!factory) throw configError(site, `unknown transform "${name}"`, suggest(name, transformNames));
  return factory(option, typeof spec === 'string' ? site : at(site, name), field);
}

/**
 * Compiles `transform:` (one transform or a list, applied in order) into one closure. Null
 * results stop the chain. Undefined when there is nothing to do.
 */
export function compileTransforms(spec: unknown, site: Site, field: string): Transform | undefined {
  if (spec === undefined || spec === null) return undefined;
  const list = Array.isArray(spec)
    ? spec.map((s, i) => compileOne(s, at(site, i), field))
    : [compileOne(spec, site, field)];
  if (list.length === 0) return undefined;
  if (list.length === 1) return list[0];
  return (value) => {
    let v = value;
    for (const t of list) {
      v = t(v);
      if (v === null) return null;
    }
    return v;
  };
}
