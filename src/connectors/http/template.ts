import type { Json } from '../../sdk/index.js';

/** Reads a value at a dot path (`data.items`, `links.0.href`); undefined when any part is missing. */
export type Getter = (root: unknown) => unknown;

export function compilePath(path: string): Getter {
  const parts = path.split('.').filter((p) => p !== '');
  if (parts.length === 0) return (root) => root;
  if (parts.length === 1) {
    const [key] = parts as [string];
    return (root) => (typeof root === 'object' && root !== null ? (root as Record<string, unknown>)[key] : undefined);
  }
  return (root) => {
    let v = root;
    for (const p of parts) {
      if (typeof v !== 'object' || v === null) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
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
  const getters = fields.map(compilePath);
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
