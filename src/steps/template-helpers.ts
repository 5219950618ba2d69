import Handlebars from 'handlebars';
import { roundTo, toNumber, toText } from './convert.js';

/** Handlebars built-ins that templates may use. */
export const builtinHelpers: readonly string[] = ['if', 'unless', 'each', 'with', 'lookup'];

/** Helper arguments without Handlebars' trailing options object. */
function args(list: unknown[]): unknown[] {
  return list.slice(0, -1);
}

const str = (v: unknown): string => (v === null || v === undefined ? '' : toText(v as never));
const num = (v: unknown): number | undefined => toNumber((v ?? null) as never) ?? undefined;

/** The helpers Syncline adds; every helper treats missing values as empty. */
const helpers: Record<string, (...list: unknown[]) => unknown> = {
  upper: (...l) => str(args(l)[0]).toUpperCase(),
  lower: (...l) => str(args(l)[0]).toLowerCase(),
  trim: (...l) => str(args(l)[0]).trim(),
  default: (...l) => args(l).find((v) => v !== null && v !== undefined && v !== '') ?? '',
  concat: (...l) => args(l).map(str).join(''),
  join: (...l) => {
    const [list, sep] = args(l);
    return Array.isArray(list) ? list.map(str).join(typeof sep === 'string' ? sep : ', ') : str(list);
  },
  round: (...l) => {
    const [value, digits] = args(l);
    const n = num(value);
    return n === undefined ? '' : roundTo(n, typeof digits === 'number' ? digits : 0);
  },
  eq: (...l) => args(l)[0] === args(l)[1],
  ne: (...l) => args(l)[0] !== args(l)[1],
  gt: (...l) => (num(args(l)[0]) ?? Number.NaN) > (num(args(l)[1]) ?? Number.NaN),
  gte: (...l) => (num(args(l)[0]) ?? Number.NaN) >= (num(args(l)[1]) ?? Number.NaN),
  lt: (...l) => (num(args(l)[0]) ?? Number.NaN) < (num(args(l)[1]) ?? Number.NaN),
  lte: (...l) => (num(args(l)[0]) ?? Number.NaN) <= (num(args(l)[1]) ?? Number.NaN),
  and: (...l) => args(l).every(Boolean),
  or: (...l) => args(l).some(Boolean),
  not: (...l) => !args(l)[0],
};

export const extraHelpers: readonly string[] = Object.keys(helpers);

/** One isolated Handlebars environment with Syncline's helpers (the global one is left alone). */
export function createHandlebars(): typeof Handlebars {
  const hb = Handlebars.create();
  for (const [name, fn] of Object.entries(helpers)) hb.registerHelper(name, fn as (...l: unknown[]) => unknown);
  return hb;
}
