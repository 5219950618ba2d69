import { z } from 'zod';
import { FlowError } from '../sdk/errors.js';
import type { Json, JsonObject } from '../sdk/json.js';

/** Reads a value out of a record's data; `undefined` when the path does not resolve. */
export type Accessor = (data: JsonObject) => Json | undefined;

/** One step of a path: an object key, or an array index (negative counts from the end). */
export type Segment = string | number;

type Bag = { [key: string]: Json | undefined };

/** The syntax every path in a flow file follows, for hints. */
export const PATH_SYNTAX =
  'Write paths like customer.address.city, lines[0].sku, lines[-1].sku (the last) or meta["a.b"] (a key with dots).';

/**
 * Splits `customer.address.city`, `lines[0].sku`, `lines.0.sku`, `lines[-1]` or `meta["a.b"]`
 * into segments. Returns a message instead when the path is malformed.
 */
export function parsePath(path: string): Segment[] | string {
  const segments: Segment[] = [];
  let i = 0;
  let expectKey = true;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '[') {
      const quote = path.slice(i + 1).trimStart()[0];
      const opened = quote === '"' || quote === "'" ? path.indexOf(quote, i) : -1;
      const ends = opened < 0 ? -1 : path.indexOf(quote as string, opened + 1);
      if (opened >= 0 && ends < 0) return `unclosed quote at position ${opened + 1}`;
      const close = path.indexOf(']', ends < 0 ? i : ends);
      if (close < 0) return `unclosed "[" at position ${i + 1}`;
      const inner = path.slice(i + 1, close).trim();
      const quoted = /^(["'])(.*)\1$/.exec(inner);
      if (quoted) segments.push(quoted[2] as string);
      else if (/^-?\d+$/.test(inner)) segments.push(Number(inner));
      else return `"[${inner}]" is neither an index like [0] nor a quoted key like ["a.b"]`;
      i = close + 1;
      expectKey = false;
    } else if (ch === '.') {
      if (expectKey) return `empty segment at position ${i + 1}`;
      i++;
      expectKey = true;
      if (i >= path.length) return 'path ends with "."';
    } else {
      if (!expectKey) return `expected "." or "[" at position ${i + 1}`;
      let end = i;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end++;
      const key = path.slice(i, end).trim();
      if (key === '') return `empty segment at position ${i + 1}`;
      segments.push(/^\d+$/.test(key) ? Number(key) : key);
      i = end;
      expectKey = false;
    }
  }
  if (segments.length === 0) return 'empty path';
  return segments;
}

/** Keys that plain JSON objects or arrays inherit: read only when the value owns them. */
function inherited(key: Segment): boolean {
  return typeof key === 'string' && (key in Object.prototype || key in Array.prototype);
}

function step(value: Json | undefined, key: Segment): Json | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  if (typeof key === 'number') {
    if (!Array.isArray(value)) return (value as Bag)[String(key)];
    return value[key < 0 ? value.length + key : key];
  }
  if (inherited(key)) return Object.hasOwn(value, key) ? (value as Bag)[key] : undefined;
  return (value as Bag)[key];
}

function simple(key: Segment): key is string | number {
  return !inherited(key) && !(typeof key === 'number' && key < 0);
}

/** Compiles segments into one accessor; the common shallow paths get unrolled closures. */
export function compileSegments(segments: readonly Segment[]): Accessor {
  const [a, b, c] = segments;
  if (segments.length === 1 && a !== undefined && simple(a)) return (d) => (d as Bag)[a];
  if (segments.length === 2 && a !== undefined && b !== undefined && simple(a) && simple(b))
    return (d) => {
      const x = (d as Bag)[a];
      return x !== null && typeof x === 'object' ? (x as Bag)[b] : undefined;
    };
  if (segments.length === 3 && a !== undefined && b !== undefined && c !== undefined && [a, b, c].every(simple))
    return (d) => {
      const x = (d as Bag)[a];
      if (x === null || typeof x !== 'object') return undefined;
      const y = (x as Bag)[b];
      return y !== null && typeof y === 'object' ? (y as Bag)[c] : undefined;
    };
  const all = [...segments];
  return (d) => {
    let value: Json | undefined = d;
    for (const key of all) {
      value = step(value, key);
      if (value === undefined) return undefined;
    }
    return value;
  };
}

/** Reads `key` from any value (for computed member access at run time). */
export function readKey(value: Json | undefined, key: Segment): Json | undefined {
  return step(value, key);
}

/** Parses and compiles a path; a message string when malformed. */
export function compilePath(path: string): Accessor | string {
  const segments = parsePath(path);
  return typeof segments === 'string' ? segments : compileSegments(segments);
}

/**
 * A path in a component's config: a string the path language parses, else a validation problem at
 * the key (file:line:col), e.g. `nextPath: pathSchema`.
 */
export const pathSchema = z.string().superRefine((path, ctx) => {
  const parsed = parsePath(path);
  if (typeof parsed === 'string')
    ctx.addIssue({ code: 'custom', message: `bad path "${path}": ${parsed}. ${PATH_SYNTAX}` });
});

/** Reads a path out of any value (an HTTP answer, a primitive included); `undefined` when it does not resolve. */
export function readPath(root: unknown, segments: readonly Segment[]): Json | undefined {
  let value = root as Json | undefined;
  for (const key of segments) {
    value = step(value, key);
    if (value === undefined) return undefined;
  }
  return value;
}

/**
 * How far a path resolves in a value: the segments that were found (`found`, a count), and the
 * value where it stopped (`parent`: the last one found, the root when nothing was). For messages
 * that name the part of a path that is missing, and to tell "the key is absent from an object that
 * is there" from "the object is not there at all".
 */
export function resolvePath(
  root: unknown,
  segments: readonly Segment[],
): { found: number; parent: Json | undefined; value: Json | undefined } {
  let parent = root as Json | undefined;
  for (let i = 0; i < segments.length; i++) {
    const next = step(parent, segments[i] as Segment);
    if (next === undefined) return { found: i, parent, value: undefined };
    if (i === segments.length - 1) return { found: segments.length, parent, value: next };
    parent = next;
  }
  return { found: 0, parent, value: parent };
}

/** Writes segments back as a path (`a["b.c"][0]`), for messages. */
export function formatSegments(segments: readonly Segment[]): string {
  let out = '';
  for (const key of segments) {
    if (typeof key === 'number') out += `[${key}]`;
    else if (/^[^.[\]"'\s]+$/.test(key) && !/^\d+$/.test(key)) out += out === '' ? key : `.${key}`;
    else out += `[${JSON.stringify(key)}]`;
  }
  return out;
}

/**
 * The segments of a path from a validated config (`pathSchema` rejected a malformed one at validate
 * time with its line and column); a malformed path still fails here, as CONFIG_INVALID naming the key.
 */
export function pathSegments(path: string, field?: string): Segment[] {
  const segments = parsePath(path);
  if (typeof segments === 'string') {
    throw new FlowError('CONFIG_INVALID', `bad path "${path}": ${segments}`, {
      hint: PATH_SYNTAX,
      ...(field === undefined ? {} : { field }),
    });
  }
  return segments;
}

/** A config path (see pathSegments) compiled into a reader of any value: an answer, an array, a primitive (undefined). */
export function pathReader(path: string, field?: string): (root: unknown) => Json | undefined {
  const read = compileSegments(pathSegments(path, field));
  return (root) => (root !== null && typeof root === 'object' ? read(root as JsonObject) : undefined);
}
