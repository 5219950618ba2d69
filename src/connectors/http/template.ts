import { z } from 'zod';
import { PATH_SYNTAX, parsePath, readPath, type Segment } from '../../kit/index.js';
import { FlowError, type Json } from '../../sdk/index.js';

/** Reads a value at a path (`data.items`, `links[0].href`, `["@odata.nextLink"]`); undefined when any part is missing. */
export type Getter = (root: unknown) => unknown;

/**
 * A path of the project's one path language (sdk `parsePath`), split into segments; a malformed one
 * is a config error (the schemas reject it earlier, at validate time, with its line and column).
 */
export function segmentsOf(path: string, field?: string): Segment[] {
  const segments = parsePath(path);
  if (typeof segments === 'string') {
    throw new FlowError('CONFIG_INVALID', `bad path "${path}": ${segments}`, {
      hint: PATH_SYNTAX,
      ...(field === undefined ? {} : { field }),
    });
  }
  return segments;
}

/** Compiles a path (see segmentsOf) into a reader of any value. */
export function compilePath(path: string, field?: string): Getter {
  const segments = segmentsOf(path, field);
  if (segments.length === 1) {
    const [key] = segments as [string | number];
    if (typeof key === 'string' && !(key in Object.prototype))
      return (root) =>
        typeof root === 'object' && root !== null && !Array.isArray(root)
          ? (root as Record<string, unknown>)[key]
          : readPath(root, segments);
  }
  return (root) => readPath(root, segments);
}

export interface CompiledTemplate {
  /** The dot paths the template uses, in order. */
  readonly fields: readonly string[];
  /** True when the template has no placeholder at all. */
  readonly constant: boolean;
  /**
   * The text with each `{{path}}` replaced by the value (strings as they are, objects as JSON,
   * null/missing as ''); `encode` is applied to each value (e.g. encodeURIComponent for paths);
   * the paths without a value are pushed to `missing`.
   */
  render(scope: unknown, encode?: (text: string) => string, missing?: string[]): string;
  /** For a template that is exactly one placeholder: reads its value with its JSON type. */
  readonly whole?: Getter;
}

function asText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const placeholder = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** For `.superRefine`: every `{{path}}` placeholder's path parses, else a problem at the key. */
export function checkTemplate(text: string, ctx: z.RefinementCtx): void {
  for (const m of text.matchAll(placeholder)) {
    const parsed = parsePath(m[1] as string);
    if (typeof parsed === 'string')
      ctx.addIssue({ code: 'custom', message: `bad path "${m[1]}" in {{…}}: ${parsed}. ${PATH_SYNTAX}` });
  }
}

/** A text with `{{path}}` placeholders (see checkTemplate). */
export const templateText = z.string().superRefine(checkTemplate);

/** Compiles `{{path}}` placeholders once into a closure. */
export function compileTemplate(text: string): CompiledTemplate {
  const literals: string[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const m of text.matchAll(placeholder)) {
    literals.push(text.slice(last, m.index));
    fields.push(m[1] as string);
    last = (m.index ?? 0) + m[0].length;
  }
  literals.push(text.slice(last));
  const getters = fields.map((field) => compilePath(field));
  const render = (scope: unknown, encode?: (text: string) => string, missing?: string[]): string => {
    let out = literals[0] as string;
    for (let i = 0; i < getters.length; i++) {
      const v = (getters[i] as Getter)(scope);
      if (v === undefined && missing) missing.push(fields[i] as string);
      const t = asText(v);
      out += (encode ? encode(t) : t) + (literals[i + 1] as string);
    }
    return out;
  };
  const whole = fields.length === 1 && literals[0] === '' && literals[1] === '' ? getters[0] : undefined;
  return { fields, constant: fields.length === 0, render, ...(whole ? { whole } : {}) };
}

/**
 * Compiles a JSON body template: every string may hold placeholders; a string that is exactly one
 * placeholder keeps the value's JSON type (`"{{qty}}"` → 3). Constant parts are shared, not copied.
 */
export function compileJsonTemplate(value: Json): (scope: unknown, missing?: string[]) => Json {
  if (typeof value === 'string') {
    const t = compileTemplate(value);
    if (t.constant) return () => value;
    const whole = t.whole;
    if (whole) {
      const field = t.fields[0] as string;
      return (scope, missing) => {
        const v = whole(scope);
        if (v === undefined) {
          missing?.push(field);
          return null;
        }
        return v as Json;
      };
    }
    return (scope, missing) => t.render(scope, undefined, missing);
  }
  if (Array.isArray(value)) {
    const items = value.map(compileJsonTemplate);
    return (scope, missing) => items.map((f) => f(scope, missing));
  }
  if (typeof value === 'object' && value !== null) {
    const entries = Object.entries(value).map(([k, v]) => [k, compileJsonTemplate(v)] as const);
    return (scope, missing) => {
      const out: { [k: string]: Json } = {};
      for (const [k, f] of entries) out[k] = f(scope, missing);
      return out;
    };
  }
  return () => value;
}
