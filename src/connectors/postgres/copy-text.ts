import type { Json } from '../../sdk/index.js';

/** Escapes text for COPY's text format: backslash, newline, carriage return and tab. */
export function escapeCopy(text: string): string {
  if (!/[\\\n\r\t]/.test(text)) return text;
  let out = '';
  for (const ch of text) {
    if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else out += ch;
  }
  return out;
}

/** An element of a PostgreSQL array literal: always double-quoted, `"` and `\` escaped; null → NULL. */
function arrayElement(value: Json): string {
  if (value === null) return 'NULL';
  if (Array.isArray(value)) return arrayLiteral(value);
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  return `"${text.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;
}

/** `{"a","b",NULL}`: a JSON array as a PostgreSQL array literal (nested arrays become dimensions). */
export function arrayLiteral(values: readonly Json[]): string {
  return `{${values.map(arrayElement).join(',')}}`;
}

/**
 * One value as a COPY text field: null/undefined → `\N`; booleans → `true`/`false`; numbers as
 * text; objects → JSON; arrays → JSON, or an array literal for an array column (`pgArray`).
 */
export function copyField(value: Json | undefined, pgArray = false): string {
  if (value === null || value === undefined) return '\\N';
  switch (typeof value) {
    case 'string':
      return escapeCopy(value);
    case 'number':
    case 'boolean':
      return String(value);
    default:
      return escapeCopy(pgArray && Array.isArray(value) ? arrayLiteral(value) : JSON.stringify(value));
  }
}

const unescaped: Record<string, string> = { n: '\n', t: '\t', r: '\r', b: '\b', f: '\f', v: '\v' };

/**
 * A field of `COPY … TO` text output back to its text (the caller checks for `\N`, NULL, first):
 * `\\`, `\n`, `\t`, `\r`, `\b`, `\f`, `\v` undone: the escapes PostgreSQL writes.
 */
export function unescapeCopy(field: string): string {
  let at = field.indexOf('\\');
  if (at < 0) return field;
  let out = '';
  let from = 0;
  while (at >= 0 && at < field.length - 1) {
    const ch = field[at + 1] as string;
    out += field.slice(from, at) + (unescaped[ch] ?? ch);
    from = at + 2;
    at = field.indexOf('\\', from);
  }
  return out + field.slice(from);
}
