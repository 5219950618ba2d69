import { z } from 'zod';
import type { Json } from '../sdk/json.js';
import { PATH_SYNTAX, parsePath, pathReader } from './path.js';

/** Reads one placeholder's value out of a scope (a record's data, the pagination state, …). */
export type ScopeReader = (scope: unknown) => Json | undefined;

/**
 * How a value that is an object or an array becomes text: `json` (`{"a":1}`, request templates) or
 * `string` (JavaScript's String(): `x,y`, what Handlebars prints; the map step's templates).
 */
export type ObjectText = 'json' | 'string';

export interface CompiledTemplate {
  /** The paths the template uses, in order. */
  readonly fields: readonly string[];
  /** True when the template has no placeholder at all. */
  readonly constant: boolean;
  /**
   * The text with each `{{path}}` replaced by its value (strings as they are, null/missing as '');
   * `encode` is applied to each value (e.g. encodeURIComponent for URL paths); the paths without a
   * value are pushed to `missing`.
   */
  render(scope: unknown, encode?: (text: string) => string, missing?: string[]): string;
  /** `render` without encoding or missing-value tracking: the fastest form (the map step's). */
  readonly text: (scope: unknown) => string;
  /** For a template that is exactly one placeholder: reads its value with its JSON type. */
  readonly whole?: ScopeReader;
}

/** `{{path}}`, `{{ path }}`: a placeholder holds one path of the path language (kit/path.ts). */
const placeholder = /\{\{\s*([^{}\s]+)\s*\}\}/g;

/** A template split into its literal texts and placeholder paths (`literals.length === fields.length + 1`). */
export interface TemplateParts {
  readonly literals: readonly string[];
  readonly fields: readonly string[];
}

export function templateParts(text: string): TemplateParts {
  const literals: string[] = [];
  const fields: string[] = [];
  let last = 0;
  for (const m of text.matchAll(placeholder)) {
    literals.push(text.slice(last, m.index));
    fields.push(m[1] as string);
    last = (m.index ?? 0) + m[0].length;
  }
  literals.push(text.slice(last));
  return { literals, fields };
}

/** For `.superRefine`: every `{{path}}` placeholder's path parses, else a problem at the key. */
export function checkTemplate(text: string, ctx: z.RefinementCtx): void {
  for (const field of templateParts(text).fields) {
    const parsed = parsePath(field);
    if (typeof parsed === 'string')
      ctx.addIssue({ code: 'custom', message: `bad path "${field}" in {{…}}: ${parsed}. ${PATH_SYNTAX}` });
  }
}

/** A config text with `{{path}}` placeholders (see checkTemplate). */
export const templateText = z.string().superRefine(checkTemplate);

const asJsonText = (value: Json | undefined): string =>
  typeof value === 'string'
    ? value
    : value === null || value === undefined
      ? ''
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);

const asString = (value: Json | undefined): string =>
  typeof value === 'string' ? value : value === null || value === undefined ? '' : String(value);

/**
 * The one template renderer of the project: `{{path}}` placeholders (paths of kit/path.ts) compiled
 * once into closures. Request templates (http paths, queries, headers, bodies) and the map step's
 * plain templates use it; the map step hands templates with helpers or blocks to Handlebars.
 */
export function compileTemplate(text: string, objects: ObjectText = 'json'): CompiledTemplate {
  const { literals, fields } = templateParts(text);
  const readers = fields.map((field) => pathReader(field));
  const show = objects === 'json' ? asJsonText : asString;
  const whole = fields.length === 1 && literals[0] === '' && literals[1] === '' ? readers[0] : undefined;
  const fast = plainRenderer(literals, readers, show);
  const render = (scope: unknown, encode?: (text: string) => string, missing?: string[]): string => {
    if (encode === undefined && missing === undefined) return fast(scope);
    let out = literals[0] as string;
    for (let i = 0; i < readers.length; i++) {
      const v = (readers[i] as ScopeReader)(scope);
      if (v === undefined && missing) missing.push(fields[i] as string);
      const t = show(v);
      out += (encode ? encode(t) : t) + (literals[i + 1] as string);
    }
    return out;
  };
  return { fields, constant: fields.length === 0, render, text: fast, ...(whole ? { whole } : {}) };
}

/** The render without encoding or missing-value tracking, unrolled for the common shapes (map step speed). */
function plainRenderer(
  literals: readonly string[],
  readers: readonly ScopeReader[],
  show: (value: Json | undefined) => string,
): (scope: unknown) => string {
  const [first = '', second = '', third = ''] = literals;
  const [a, b] = readers;
  if (a === undefined) return () => first;
  if (b === undefined) {
    if (first === '' && second === '') return (s) => show(a(s));
    return (s) => first + show(a(s)) + second;
  }
  if (readers.length === 2 && first === '' && third === '') return (s) => show(a(s)) + second + show(b(s));
  return (s) => {
    let out = first;
    for (let i = 0; i < readers.length; i++) out += show((readers[i] as ScopeReader)(s)) + (literals[i + 1] as string);
    return out;
  };
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
        return v;
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
