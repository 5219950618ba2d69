import type { Json, JsonObject } from '../sdk/index.js';
import { toNumber, toText } from './convert.js';

/** A compiled expression node. */
export type Compiled = (d: JsonObject) => Json;
/** Reports a bad operand as RECORD_BAD_VALUE (never returns). */
export type Fail = (value: Json, problem: string) => never;

/** JavaScript truthiness (an empty list is true). */
export const truthy = (v: Json): boolean => (Array.isArray(v) ? true : Boolean(v));

/** Equality as users expect it from data: null = missing, 5 = "5", objects by content. */
export function looseEquals(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null) return false;
  if (typeof a === 'number' && typeof b === 'string') return toNumber(b) === a;
  if (typeof a === 'string' && typeof b === 'number') return toNumber(a) === b;
  if (typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b);
  return false;
}

/** Orders two values (numbers, numeric strings against numbers, strings); undefined when not comparable. */
export function compareValues(a: Json, b: Json): number | undefined {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === 'number' && typeof b === 'string') {
    const n = toNumber(b);
    return typeof n === 'number' ? a - n : undefined;
  }
  if (typeof a === 'string' && typeof b === 'number') {
    const n = toNumber(a);
    return typeof n === 'number' ? n - b : undefined;
  }
  return undefined;
}

const ARITHMETIC: Record<string, (a: number, b: number) => number> = {
  '-': (a, b) => a - b,
  '*': (a, b) => a * b,
  '/': (a, b) => a / b,
  '%': (a, b) => a % b,
  '**': (a, b) => a ** b,
};

const COMPARISON: Record<string, (c: number) => boolean> = {
  '<': (c) => c < 0,
  '<=': (c) => c <= 0,
  '>': (c) => c > 0,
  '>=': (c) => c >= 0,
};

/** `!x`, `-x`, `+x`; undefined for an operator that is not supported. */
export function compileUnary(op: string, arg: Compiled, label: string, fail: Fail): Compiled | undefined {
  if (op === '!') return (d) => !truthy(arg(d));
  if (op !== '-' && op !== '+') return undefined;
  const sign = op === '-' ? -1 : 1;
  return (d) => {
    const v = arg(d);
    const n = toNumber(v);
    if (n === undefined) fail(v, `(${label}) is not a number`);
    return n === null ? null : sign * n;
  };
}

/** A binary operator over compiled operands (labels name them in messages); undefined when not supported. */
export function compileBinary(
  op: string,
  left: Compiled,
  right: Compiled,
  leftLabel: string,
  rightLabel: string,
  fail: Fail,
): Compiled | undefined {
  if (op === '&&')
    return (d) => {
      const a = left(d);
      return truthy(a) ? right(d) : a;
    };
  if (op === '||')
    return (d) => {
      const a = left(d);
      return truthy(a) ? a : right(d);
    };
  if (op === '??')
    return (d) => {
      const a = left(d);
      return a !== null ? a : right(d);
    };
  if (op === '==' || op === '===') return (d) => looseEquals(left(d), right(d));
  if (op === '!=' || op === '!==') return (d) => !looseEquals(left(d), right(d));
  const test = COMPARISON[op];
  if (test)
    return (d) => {
      const a = left(d);
      const b = right(d);
      if (a === null || b === null) return false;
      const c = compareValues(a, b);
      if (c === undefined) fail([a, b], `cannot be compared with ${op} (${leftLabel} ${op} ${rightLabel})`);
      return test(c);
    };
  const numberOf = (v: Json, label: string): number | null => {
    const n = toNumber(v);
    if (n === undefined) fail(v, `(${label}) is not a number`);
    return n;
  };
  const finite = (n: number): number => {
    if (!Number.isFinite(n)) fail(n, `is not a finite number (${leftLabel} ${op} ${rightLabel}; division by zero?)`);
    return n;
  };
  if (op === '+')
    return (d) => {
      const a = left(d);
      const b = right(d);
      if (typeof a === 'number' && typeof b === 'number') return finite(a + b);
      if (typeof a === 'string' || typeof b === 'string')
        return (a === null ? '' : toText(a)) + (b === null ? '' : toText(b));
      if (a === null || b === null) return null;
      const x = numberOf(a, leftLabel);
      const y = numberOf(b, rightLabel);
      return x === null || y === null ? null : finite(x + y);
    };
  const arithmetic = ARITHMETIC[op];
  if (!arithmetic) return undefined;
  return (d) => {
    const a = numberOf(left(d), leftLabel);
    const b = numberOf(right(d), rightLabel);
    return a === null || b === null ? null : finite(arithmetic(a, b));
  };
}
