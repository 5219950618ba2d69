import { createReplacer, type Json, type JsonObject } from '../sdk/index.js';

/** Values shorter than this are masked whole: their last four characters would give most of them away. */
export const MIN_PARTLY_SHOWN = 8;
/** Values shorter than this are not searched for in message text (they would match ordinary words). */
export const MIN_MASKED_IN_TEXT = 3;

function maskText(text: string): string {
  return text.length < MIN_PARTLY_SHOWN ? '***' : `***${text.slice(-4)}`;
}

/**
 * Only the last four characters stay: `ada@example.com` → `***.com`, `+49 170 1234567` → `***4567`,
 * 4915112345678 → `***5678`. Values shorter than 8 characters (`Ada`, 4711) and booleans become `***`;
 * objects and arrays are masked value by value.
 */
export function maskValue(value: Json): Json {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)]));
  if (typeof value === 'boolean') return '***';
  return maskText(String(value));
}

function maskAt(value: Json, parts: readonly string[]): Json {
  if (parts.length === 0) return maskValue(value);
  if (value === null || typeof value !== 'object') return value;
  const [head, ...rest] = parts as [string, ...string[]];
  if (Array.isArray(value)) {
    return value.map((v, i) => (head === '*' || head === String(i) ? maskAt(v, rest) : v));
  }
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(value)) out[k] = head === '*' || head === k ? maskAt(v, rest) : v;
  return out;
}

/**
 * A copy of `data` with the values at the given paths masked (`customer.email`, `lines.*.phone`;
 * `*` is any key or index). Used wherever a record is shown: error records, logs, previews.
 */
export function maskPii(data: JsonObject, paths: readonly string[]): JsonObject {
  let out: Json = data;
  for (const path of paths) out = maskAt(out, path.split('.'));
  return out as JsonObject;
}

function collect(value: Json | undefined, parts: readonly string[], into: Set<string>): void {
  if (value === undefined || value === null) return;
  if (parts.length === 0) {
    if (typeof value === 'string' || typeof value === 'number') into.add(String(value));
    else if (typeof value === 'object')
      for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, [], into);
    return;
  }
  if (typeof value !== 'object') return;
  const [head, ...rest] = parts as [string, ...string[]];
  if (head === '*') for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, rest, into);
  else collect(Array.isArray(value) ? value[Number(head)] : value[head], rest, into);
}

/** The text values (and numbers, as text) at the `pii` paths of a record. */
export function piiValues(data: JsonObject, paths: readonly string[]): string[] {
  const into = new Set<string>();
  for (const path of paths) collect(data, path.split('.'), into);
  return [...into];
}

/** `text` with each of `values` masked as `maskValue` masks it, as written and JSON-escaped; values under 3 characters are left alone. */
export function maskValuesInText(text: string, values: Iterable<string>): string {
  if (text === '') return text;
  const replacements = new Map<string, string>();
  for (const value of values) {
    if (value.length < MIN_MASKED_IN_TEXT) continue;
    const masked = maskText(value);
    replacements.set(value, masked);
    replacements.set(JSON.stringify(value).slice(1, -1), masked);
  }
  return replacements.size === 0 ? text : createReplacer(replacements)(text);
}

/**
 * `text` with every PII value of the record masked as `maskValue` masks it: for messages that quote
 * a record (`email "ada@example.com" does not match …`, a database's `Failing row contains (…)`).
 */
export function maskPiiInText(text: string, data: JsonObject, paths: readonly string[]): string {
  if (paths.length === 0) return text;
  return maskValuesInText(text, piiValues(data, paths));
}

/**
 * The values of a line the source could not read: its fields cannot be told apart by path, so every
 * word of 3 characters or more counts (`31,"ada@example.com,Ada Lovelace` → `ada@example.com`, `Ada`, `Lovelace`).
 */
export function rawValues(raw: string): string[] {
  return [...new Set(raw.split(/[\s,;|"'{}[\]]+/).filter((w) => w.length >= MIN_MASKED_IN_TEXT))];
}
