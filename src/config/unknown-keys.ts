import { z } from 'zod';
import type { PathKey } from './yaml-locator.js';

/** A key in the input that the schema does not declare. */
export interface UnknownKey {
  /** Path of the map holding the key, relative to the walked value. */
  readonly path: readonly PathKey[];
  readonly key: string;
  /** The keys the schema knows at that place. */
  readonly known: readonly string[];
}

type Shape = Readonly<Record<string, z.core.$ZodType>>;

interface ObjectPart {
  readonly shape: Shape;
  /** Unknown keys are errors (strict, or stripped silently by zod). */
  readonly closed: boolean;
  /** Unknown keys fail zod's parse (`z.strictObject`). */
  readonly strict: boolean;
  /** Schema of the keys not in the shape (`.catchall(schema)`), to look into. */
  readonly rest: z.core.$ZodType | undefined;
}

/**
 * Of several union branches that all failed, the one the user most likely meant: its value
 * had the right top-level type, and it has the fewest issues. A branch that refused the value
 * itself (a literal or enum, `invalid_value` at the top) comes after one that looked inside it
 * (a map written for `{ direction: … }` is not a misspelt `a-to-b`). Undefined when none fits.
 */
export function likelyBranch<T>(
  branches: readonly T[],
  issuesOf: (branch: T) => readonly z.core.$ZodIssue[],
): T | undefined {
  const fitting = branches.filter((b) => !issuesOf(b).some((i) => i.path.length === 0 && i.code === 'invalid_type'));
  const refusedWhole = (b: T) => (issuesOf(b).some((i) => i.path.length === 0 && i.code === 'invalid_value') ? 1 : 0);
  return [...fitting].sort((a, b) => refusedWhole(a) - refusedWhole(b) || issuesOf(a).length - issuesOf(b).length)[0];
}

/**
 * The schema behind a `z.lazy`, built once: `def.getter()` builds it anew on every call (for
 * `z.json()` a new union of six schemas per value looked at).
 */
function lazyInner(schema: z.core.$ZodType): z.core.$ZodType {
  return (schema as z.core.$ZodLazy)._zod.innerType;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Wrapper types around one inner schema (`optional`, `default`, …): both walks look through them. */
const WRAPPERS: ReadonlySet<string> = new Set([
  'optional',
  'nullable',
  'default',
  'prefault',
  'readonly',
  'catch',
  'nonoptional',
]);

/** The schema a wrapper type wraps, or undefined for any other type. */
function wrappedInner(def: z.core.$ZodTypes['_zod']['def']): z.core.$ZodType | undefined {
  return WRAPPERS.has(def.type) && 'innerType' in def ? def.innerType : undefined;
}

/** Object shapes a schema validates against, seen through wrappers and intersections. */
function objectParts(schema: z.core.$ZodType, depth = 0): ObjectPart[] | undefined {
  if (depth > 20) return undefined;
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const inner = wrappedInner(def);
  if (inner) return objectParts(inner, depth + 1);
  switch (def.type) {
    case 'object': {
      // No catchall = zod strips unknown keys (silently): we report them. `never` = strict.
      const catchall = def.catchall?._zod.def.type;
      const closed = catchall === undefined || catchall === 'never';
      const rest = closed || catchall === 'unknown' || catchall === 'any' ? undefined : def.catchall;
      return [{ shape: def.shape, closed, strict: catchall === 'never', rest }];
    }
    case 'intersection': {
      const left = objectParts(def.left, depth + 1);
      const right = objectParts(def.right, depth + 1);
      return left && right ? [...left, ...right] : undefined;
    }
    case 'pipe':
      return objectParts(def.in._zod.def.type === 'transform' ? def.out : def.in, depth + 1);
    case 'lazy':
      return objectParts(lazyInner(schema), depth + 1);
    default:
      return undefined;
  }
}

interface ObjectOf {
  readonly parts: ObjectPart[];
  readonly closed: boolean;
  readonly known: string[];
  readonly rest: z.core.$ZodType | undefined;
}

// Per schema, worked out once: the same schemas are walked for every flow of a file.
const objects = new WeakMap<z.core.$ZodType, ObjectOf | null>();

function objectOf(schema: z.core.$ZodType): ObjectOf | undefined {
  let found = objects.get(schema);
  if (found === undefined) {
    const parts = objectParts(schema);
    found = parts
      ? {
          parts,
          closed: parts.every((p) => p.closed),
          known: [...new Set(parts.flatMap((p) => Object.keys(p.shape)))],
          rest: parts.find((p) => p.rest !== undefined)?.rest,
        }
      : null;
    objects.set(schema, found);
  }
  return found ?? undefined;
}

const PLAIN_TYPES: ReadonlySet<string> = new Set(['string', 'number', 'boolean', 'array', 'object', 'record']);

/** True when `fitsRootType` tells for sure whether the schema's root type fits (a plain type, not coerced). */
function checksRootType(schema: z.core.$ZodType): boolean {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  return !('coerce' in def && def.coerce) && PLAIN_TYPES.has(def.type);
}

/** False when `schema` is a plain type (string, number, boolean, list, map) that `value` is not. */
function fitsRootType(schema: z.core.$ZodType, value: unknown): boolean {
  const def = (schema as z.core.$ZodTypes)._zod.def;
  if ('coerce' in def && def.coerce) return true;
  switch (def.type) {
    case 'string':
      return typeof value === 'string';
    case 'number':
      return typeof value === 'number';
    case 'boolean':
      return typeof value === 'boolean';
    case 'array':
      return Array.isArray(value);
    case 'object':
    case 'record':
      return isPlainObject(value);
    default:
      return true;
  }
}

/** True when parsing `value` with `option` certainly fails: a strict object and a key it does not declare. */
function certainlyFails(option: z.core.$ZodType, value: unknown): boolean {
  const object = objectOf(option);
  const only = object?.parts.length === 1 ? object.parts[0] : undefined;
  if (only === undefined || !only.strict || !isPlainObject(value)) return false;
  for (const key in value) if (Object.hasOwn(value, key) && !Object.hasOwn(only.shape, key)) return true;
  return false;
}

/**
 * The union branch that accepts the value (the first, as zod takes it), else the one most likely
 * meant (as zod-problems does). A branch of another plain type fails at the root and is never the
 * likely one: not parsed. Branches that certainly fail are not parsed on the way to the accepting one.
 */
function unionBranch(options: readonly z.core.$ZodType[], value: unknown): z.core.$ZodType | undefined {
  const fitting = options.filter((option) => fitsRootType(option, value));
  // the only branch of the value's plain type: accepting or not, it is the one (nothing to parse)
  const only = fitting.length === 1 ? fitting[0] : undefined;
  if (only !== undefined && checksRootType(only)) return only;
  for (const option of fitting) {
    if (!certainlyFails(option, value) && z.safeParse(option, value).success) return option;
  }
  const results = fitting.map((option) => ({ option, result: z.safeParse(option, value) }));
  return likelyBranch(results, (r) => r.result.error?.issues ?? [])?.option;
}

/** `path` is the walk's stack (pushed and popped); reported keys get a copy of it. */
function walk(schema: z.core.$ZodType, value: unknown, path: PathKey[], out: UnknownKey[], depth: number): void {
  // a string, number or boolean holds no key: nothing below it to look into (nor a union branch to find)
  if (depth > 64 || typeof value !== 'object' || value === null) return;
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const into = (child: z.core.$ZodType, childValue: unknown, key: PathKey) => {
    if (typeof childValue !== 'object' || childValue === null) return;
    path.push(key);
    walk(child, childValue, path, out, depth + 1);
    path.pop();
  };
  const inner = wrappedInner(def);
  if (inner) {
    walk(inner, value, path, out, depth + 1);
    return;
  }
  switch (def.type) {
    case 'object':
    case 'intersection': {
      const object = objectOf(schema);
      if (!object || !isPlainObject(value)) return;
      const { parts, closed, known, rest } = object;
      for (const key in value) {
        if (!Object.hasOwn(value, key)) continue;
        const child = value[key];
        const part =
          parts.length === 1
            ? Object.hasOwn(parts[0]?.shape ?? {}, key)
              ? parts[0]
              : undefined
            : parts.find((p) => Object.hasOwn(p.shape, key));
        if (part) into(part.shape[key] as z.core.$ZodType, child, key);
        else if (rest) into(rest, child, key);
        else if (closed) out.push({ path: [...path], key, known });
      }
      return;
    }
    case 'pipe':
      // After a preprocess the value no longer matches the input: only walk plain pipes.
      if (def.in._zod.def.type !== 'transform') walk(def.in, value, path, out, depth + 1);
      return;
    case 'lazy':
      walk(lazyInner(schema), value, path, out, depth + 1);
      return;
    case 'array':
      if (Array.isArray(value)) for (let i = 0; i < value.length; i++) into(def.element, value[i], i);
      return;
    case 'tuple':
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const itemSchema = def.items[i] ?? def.rest;
          if (itemSchema) into(itemSchema, value[i], i);
        }
      }
      return;
    case 'record':
      if (isPlainObject(value)) {
        for (const key in value) if (Object.hasOwn(value, key)) into(def.valueType, value[key], key);
      }
      return;
    case 'union': {
      const branch = unionBranch(def.options, value);
      if (branch) walk(branch, value, path, out, depth + 1);
      return;
    }
    default:
      return;
  }
}

/**
 * Keys of `value` that `schema` does not declare, for objects zod would strip silently
 * (`z.object`) as well as strict ones. Loose objects and catchalls accept any key.
 */
export function findUnknownKeys(schema: z.core.$ZodType, value: unknown): UnknownKey[] {
  const out: UnknownKey[] = [];
  walk(schema, value, [], out, 0);
  return out;
}
