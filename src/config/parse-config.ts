import { z } from 'zod';
import { closest } from './closest.js';
import type { ParseContext } from './parse-context.js';
import { findUnknownKeys } from './unknown-keys.js';
import { formatPath, inPath, type PathKey } from './yaml-locator.js';
import { reportZodIssues } from './zod-problems.js';

export type Parsed<T> = { readonly ok: true; readonly data: T } | { readonly ok: false };

export interface ParseConfigOptions {
  /** Keys the wrapper consumed at the top level (`connection`, `type`, …): known, listed in hints. */
  readonly wrapperKeys?: readonly string[];
  /** Appended to the known-key list of the top level, e.g. `(and any key starting with x-)`. */
  readonly note?: string;
}

function unknownKeyHint(key: string, known: readonly string[], note: string | undefined): string {
  const match = closest(key, known);
  const suffix = note === undefined ? '' : ` ${note}`;
  const list =
    known.length > 0 ? `Known keys here: ${[...known].sort().join(', ')}${suffix}.` : 'No keys are allowed here.';
  return match === undefined ? `Remove it. ${list}` : `Did you mean "${match}"? ${list}`;
}

/**
 * Validates `value` (found at YAML `path`) with a component's zod schema: every zod issue and
 * every key the schema does not declare becomes a located problem. Returns the parsed value
 * (defaults applied) when there was none.
 */
export function parseConfig<T>(
  schema: z.ZodType<T>,
  value: unknown,
  path: readonly PathKey[],
  ctx: ParseContext,
  options: ParseConfigOptions = {},
): Parsed<T> {
  const before = ctx.problems.count;
  const reported = new Set<string>();
  for (const unknown of findUnknownKeys(schema, value)) {
    const parent = [...path, ...unknown.path];
    const known = unknown.path.length === 0 ? [...(options.wrapperKeys ?? []), ...unknown.known] : unknown.known;
    reported.add(formatPath([...parent, unknown.key]));
    ctx.problems.add(
      'CONFIG_UNKNOWN_KEY',
      ctx.locator.keyAt([...parent, unknown.key]),
      `unknown key "${unknown.key}" ${inPath(parent)}`,
      unknownKeyHint(unknown.key, known, unknown.path.length === 0 ? options.note : undefined),
    );
  }
  let result: z.ZodSafeParseResult<T>;
  try {
    result = z.safeParse(schema, value);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    ctx.problems.add('CONFIG_INVALID', ctx.locator.at(path), `${formatPath(path)}: ${message}`);
    return { ok: false };
  }
  if (!result.success) reportZodIssues(result.error.issues, path, value, ctx, reported);
  return result.success && ctx.problems.count === before ? { ok: true, data: result.data } : { ok: false };
}

/** The map without the wrapper's own keys: what the component's config schema sees. */
export function withoutKeys(
  value: Readonly<Record<string, unknown>>,
  keys: readonly string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, child] of Object.entries(value)) if (!keys.includes(key)) out[key] = child;
  return out;
}
