import { compilePath } from '../kit/index.js';
import type { Json, JsonObject } from '../sdk/index.js';
import { toBoolean } from './convert.js';
import { compileExpression } from './expression.js';
import { compareValues, looseEquals, truthy } from './expression-operators.js';
import { type FilterConfig, filterOps } from './filter-config.js';
import { at, configError, type Site, suggest } from './problems.js';

/** A compiled filter: true keeps the record. */
export type Predicate = (data: JsonObject) => boolean;

type Test = (v: Json | undefined) => boolean;

function equals(expected: Json): Test {
  if (expected === null) return (v) => v === undefined || v === null;
  if (typeof expected === 'boolean') return (v) => v !== undefined && toBoolean(v) === expected;
  return (v) => v !== undefined && looseEquals(v, expected);
}

function compileTest(op: string, value: Json | undefined, flags: unknown, site: Site): Test {
  const needs = (ok: boolean, what: string) => {
    if (!ok) throw configError(at(site, 'value'), `${op} needs ${what}, got ${JSON.stringify(value)}`);
  };
  switch (op) {
    case 'eq':
    case 'ne': {
      needs(value !== undefined, 'a value');
      const eq = equals(value as Json);
      return op === 'eq' ? eq : (v) => !eq(v);
    }
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      needs(typeof value === 'number' || typeof value === 'string', 'a number or a string');
      const limit = value as Json;
      const pass = {
        gt: (c: number) => c > 0,
        gte: (c: number) => c >= 0,
        lt: (c: number) => c < 0,
        lte: (c: number) => c <= 0,
      }[op];
      return (v) => {
        if (v === undefined || v === null) return false;
        const c = compareValues(v, limit);
        return c !== undefined && pass(c);
      };
    }
    case 'in':
    case 'nin': {
      needs(Array.isArray(value), 'a list of values');
      const tests = (value as Json[]).map(equals);
      return op === 'in' ? (v) => tests.some((t) => t(v)) : (v) => !tests.some((t) => t(v));
    }
    case 'exists': {
      needs(value === undefined || typeof value === 'boolean', 'true or false');
      const want = value !== false;
      return (v) => (v !== undefined && v !== null) === want;
    }
    case 'matches': {
      needs(typeof value === 'string', 'a regular expression string');
      if (flags !== undefined && (typeof flags !== 'string' || !/^[imsu]*$/.test(flags)))
        throw configError(at(site, 'flags'), `flags may combine i, m, s and u, got ${JSON.stringify(flags)}`);
      let re: RegExp;
      try {
        re = new RegExp(value as string, flags as string | undefined);
      } catch (error) {
        throw configError(
          at(site, 'value'),
          `bad regular expression: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      return (v) => (typeof v === 'string' || typeof v === 'number') && re.test(String(v));
    }
    default:
      throw configError(at(site, 'op'), `unknown operator "${op}"`, suggest(op, filterOps));
  }
}

function compileCondition(condition: unknown, site: Site): Predicate {
  if (Array.isArray(condition)) return all(condition.map((c, i) => compileCondition(c, at(site, i))));
  if (condition === null || typeof condition !== 'object')
    throw configError(
      site,
      `a condition is { field, op, value }, { all: [...] }, { any: [...] }, { not: {...} } or { expression }, got ${JSON.stringify(condition)}`,
    );
  const c = condition as Record<string, unknown>;
  const keys = Object.keys(c);
  const only = (allowed: string[]) => {
    for (const k of keys)
      if (!allowed.includes(k)) throw configError(at(site, k), `unknown key "${k}"`, suggest(k, allowed));
  };
  if ('all' in c || 'any' in c) {
    const kind = 'all' in c ? 'all' : 'any';
    only([kind]);
    const list = c[kind];
    if (!Array.isArray(list)) throw configError(at(site, kind), 'must be a list of conditions');
    const parts = list.map((x, i) => compileCondition(x, at(at(site, kind), i)));
    return kind === 'all' ? all(parts) : (d) => parts.some((p) => p(d));
  }
  if ('not' in c) {
    only(['not']);
    const inner = compileCondition(c.not, at(site, 'not'));
    return (d) => !inner(d);
  }
  if ('expression' in c) {
    only(['expression']);
    if (typeof c.expression !== 'string') throw configError(at(site, 'expression'), 'must be a string');
    const expression = compileExpression(c.expression, at(site, 'expression'), 'expression');
    return (d) => {
      const v = expression(d);
      return truthy(v);
    };
  }
  only(['field', 'op', 'value', 'flags']);
  if (typeof c.field !== 'string')
    throw configError(at(site, 'field'), 'needs a field path string, e.g. field: status');
  const read = compilePath(c.field);
  if (typeof read === 'string') throw configError(at(site, 'field'), `bad path "${c.field}": ${read}`);
  if (typeof c.op !== 'string') throw configError(at(site, 'op'), `needs an operator: ${filterOps.join(', ')}`);
  const test = compileTest(c.op, c.value as Json | undefined, c.flags, site);
  return (d) => test(read(d));
}

function all(parts: Predicate[]): Predicate {
  if (parts.length === 1) return parts[0] as Predicate;
  return (d) => parts.every((p) => p(d));
}

/** Compiles a `filter:` config into a predicate; CONFIG_BAD_FILTER (with where and path) when it cannot work. */
export function compileFilter(config: FilterConfig, where: string): Predicate {
  return compileCondition(config, { where, field: '', code: 'CONFIG_BAD_FILTER' });
}
