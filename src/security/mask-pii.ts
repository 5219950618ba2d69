import type { Json, JsonObject } from '../sdk/index.js';

/** `ada@example.com` → `a***@example.com`, `+49 170 1234567` → `+***67`, numbers and booleans → `***`. */
export function maskValue(value: Json): Json {
  if (value === null) return null;
  if (Array.isArray(value)) return value.map(maskValue);
  if (typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(v)]));
  if (typeof value !== 'string') return '***';
  const at = value.indexOf('@');
  if (at > 0) return `${value[0]}***${value.slice(at)}`;
  return value.length <= 4 ? '***' : `${value[0]}***${value.slice(-2)}`;
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
