import type { Json } from '../sdk/index.js';
import { roundTo, toNumber, toText } from './convert.js';

/** A whitelisted function: arguments already evaluated (missing = null). `fail` reports a bad value. */
export type ExpressionFunction = (args: Json[], fail: (value: Json, problem: string) => never) => Json;

export interface FunctionSpec {
  readonly min: number;
  readonly max: number;
  readonly fn: ExpressionFunction;
}

function numeric(value: Json, name: string, fail: (value: Json, problem: string) => never): number | null {
  const n = toNumber(value);
  if (n === undefined) fail(value, `is not a number (in ${name}())`);
  return n ?? null;
}

function unary(name: string, f: (n: number) => number): FunctionSpec {
  return {
    min: 1,
    max: 1,
    fn: ([v], fail) => {
      const n = numeric(v ?? null, name, fail);
      return n === null ? null : f(n);
    },
  };
}

function extreme(name: string, pick: (a: number, b: number) => number): FunctionSpec {
  return {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    fn: (list, fail) => {
      let best: number | null = null;
      for (const v of list.flat()) {
        const n = numeric(v, name, fail);
        if (n !== null) best = best === null ? n : pick(best, n);
      }
      return best;
    },
  };
}

function text(f: (s: string) => Json): FunctionSpec {
  return { min: 1, max: 1, fn: ([v]) => (v === null || v === undefined ? null : f(toText(v))) };
}

/** The functions expressions may call; nothing else is reachable. */
export const expressionFunctions: Record<string, FunctionSpec> = {
  round: {
    min: 1,
    max: 2,
    fn: ([v, d], fail) => {
      const n = numeric(v ?? null, 'round', fail);
      const digits = d === undefined ? 0 : numeric(d, 'round', fail);
      if (digits !== null && (!Number.isInteger(digits) || digits < 0 || digits > 100))
        fail(d ?? null, 'is not a digit count from 0 to 100 (in round())');
      return n === null ? null : roundTo(n, digits ?? 0);
    },
  },
  abs: unary('abs', Math.abs),
  floor: unary('floor', Math.floor),
  ceil: unary('ceil', Math.ceil),
  min: extreme('min', Math.min),
  max: extreme('max', Math.max),
  number: {
    min: 1,
    max: 1,
    fn: ([v], fail) => numeric(v ?? null, 'number', fail),
  },
  string: { min: 1, max: 1, fn: ([v]) => (v === null || v === undefined ? null : toText(v)) },
  lower: text((s) => s.toLowerCase()),
  upper: text((s) => s.toUpperCase()),
  trim: text((s) => s.trim()),
  length: {
    min: 1,
    max: 1,
    fn: ([v]) =>
      typeof v === 'string' || Array.isArray(v) ? v.length : v === null || v === undefined ? null : toText(v).length,
  },
  concat: {
    min: 0,
    max: Number.POSITIVE_INFINITY,
    fn: (list) => list.map((v) => (v === null ? '' : toText(v))).join(''),
  },
  coalesce: {
    min: 1,
    max: Number.POSITIVE_INFINITY,
    fn: (list) => list.find((v) => v !== null) ?? null,
  },
};
