import type { z } from 'zod';
import { didYouMean } from './closest.js';
import type { ParseContext } from './parse-context.js';
import { likelyBranch } from './unknown-keys.js';
import { formatPath, inPath, type PathKey } from './yaml-locator.js';

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'a string',
  number: 'a number',
  int: 'a whole number',
  bigint: 'a whole number',
  boolean: 'true or false',
  object: 'a map (key: value)',
  record: 'a map (key: value)',
  map: 'a map (key: value)',
  array: 'a list',
  tuple: 'a list',
  null: 'null',
  date: 'a date',
  nonoptional: 'a value',
};

function expected(name: string): string {
  return EXPECTED[name] ?? name;
}

export function describeValue(value: unknown): string {
  if (value === null || value === undefined) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  return `${typeof value} ${String(value)}`;
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { found: boolean; value: unknown } {
  let current = input;
  for (const key of path) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return { found: false, value: undefined };
    }
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return { found: true, value: current };
}

function toPath(path: readonly PropertyKey[]): PathKey[] {
  return path.map((k) => (typeof k === 'number' ? k : String(k)));
}

/**
 * Turns zod issues into located problems. `base` is the YAML path of the parsed value, `input`
 * the parsed value itself (to tell a missing key from a wrong value). `skip` holds the display
 * paths of unknown keys already reported.
 */
export function reportZodIssues(
  issues: readonly z.core.$ZodIssue[],
  base: readonly PathKey[],
  input: unknown,
  ctx: ParseContext,
  skip: ReadonlySet<string> = new Set(),
): void {
  for (const issue of issues) {
    const rel = toPath(issue.path);
    const path = [...base, ...rel];
    const name = formatPath(path);
    const at = ctx.locator.at(path);
    const got = valueAt(input, issue.path);
    switch (issue.code) {
      case 'invalid_type': {
        const want = expected(issue.expected);
        if (!got.found || got.value === undefined) {
          const key = rel[rel.length - 1];
          const parentPath = path.slice(0, -1);
          const parent = parentPath.length === 0 ? 'at the top level' : `under ${formatPath(parentPath)}`;
          ctx.problems.add(
            'CONFIG_INVALID',
            at,
            `${name} is required: ${want}`,
            key === undefined ? 'Add the missing value.' : `Add \`${String(key)}:\` with ${want} ${parent}.`,
          );
        } else {
          ctx.problems.add(
            'CONFIG_INVALID',
            at,
            `${name} must be ${want}, not ${describeValue(got.value)}`,
            `Change the value to ${want}.`,
          );
        }
        break;
      }
      case 'invalid_value': {
        const values = issue.values.map((v) => JSON.stringify(v));
        const typo = typeof got.value === 'string' ? didYouMean(got.value, issue.values.map(String)) : '';
        ctx.problems.add(
          'CONFIG_INVALID',
          at,
          `${name} must be ${values.length === 1 ? values[0] : `one of ${values.join(', ')}`}, not ${describeValue(got.value)}`,
          `${typo}Use one of: ${issue.values.map(String).join(', ')}.`,
        );
        break;
      }
      case 'unrecognized_keys':
        for (const key of issue.keys) {
          const keyPath = [...path, key];
          if (skip.has(formatPath(keyPath))) continue;
          ctx.problems.add(
            'CONFIG_UNKNOWN_KEY',
            ctx.locator.keyAt(keyPath),
            `unknown key "${key}" ${inPath(path)}`,
            'Remove it or correct its spelling.',
          );
        }
        break;
      case 'invalid_union': {
        const branch = likelyBranch(issue.errors, (b) => b);
        if (branch && branch.length > 0) {
          reportZodIssues(branch, path, got.value, ctx, skip);
        } else {
          const kinds = issue.errors.flatMap((b) =>
            b.filter((i): i is z.core.$ZodIssueInvalidType => i.path.length === 0 && i.code === 'invalid_type'),
          );
          const options = 'options' in issue && Array.isArray(issue.options) ? issue.options.map(String) : [];
          ctx.problems.add(
            'CONFIG_INVALID',
            at,
            `${name}: ${issue.message === 'Invalid input' ? `${describeValue(got.value)} is not allowed here` : issue.message}`,
            options.length > 0
              ? `Use one of: ${options.join(', ')}.`
              : kinds.length > 0
                ? `Expected ${[...new Set(kinds.map((k) => expected(k.expected)))].join(' or ')}.`
                : 'The schema gives the allowed forms.',
            options.length === 0 && kinds.length === 0 ? [{ action: 'schema.show' }] : undefined,
          );
        }
        break;
      }
      default:
        ctx.problems.add('CONFIG_INVALID', at, `${name}: ${issue.message}`, 'Change the value as the message says.');
    }
  }
}
