import { sqlErrors } from '../../kit/index.js';
import { FlowError, type Json } from '../../sdk/index.js';

/** A quoted SQL identifier: wrapped in `"` with inner quotes doubled, so any name is safe. */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) {
    throw new FlowError('CONFIG_INVALID', `the name ${JSON.stringify(name)} contains a NUL character`, {
      hint: 'Use a table or column name without NUL characters.',
    });
  }
  return `"${name.replaceAll('"', '""')}"`;
}

/** `"schema"."table"`, or `"table"` (resolved through the search_path) without a schema. */
export function qualifiedName(table: string, schema?: string): string {
  return schema === undefined ? quoteIdent(table) : `${quoteIdent(schema)}.${quoteIdent(table)}`;
}

/** A JSON value as a bound parameter: objects and arrays as JSON text, the rest as they are. */
export function toParam(value: Json | undefined): null | boolean | number | string {
  if (value === undefined || value === null) return null;
  return typeof value === 'object' ? JSON.stringify(value) : value;
}

export interface PositionalSql {
  readonly text: string;
  readonly values: (null | boolean | number | string)[];
}

const nameStart = /[A-Za-z_]/;
const nameChar = /\w/;
/** What continues an identifier or keyword (PostgreSQL allows `$` after the first character). */
const identChar = /[\w$\u0080-\uffff]/;

/** Index just past the block comment at `i`; PostgreSQL nests them (`/* a /* b *\/ c *\/`). */
function skipComment(sql: string, i: number): number {
  let depth = 0;
  let j = i;
  while (j < sql.length) {
    if (sql[j] === '/' && sql[j + 1] === '*') {
      depth++;
      j += 2;
    } else if (sql[j] === '*' && sql[j + 1] === '/') {
      depth--;
      j += 2;
      if (depth === 0) return j;
    } else j++;
  }
  return j;
}

/**
 * Index just past the quoted text that starts at `i` (`'…'`, `"…"`, with doubled quotes as escapes;
 * with `backslash`, an `E'…'` string, where `\'` and `\\` are escapes too).
 */
function skipQuoted(sql: string, i: number, quote: string, backslash = false): number {
  let j = i + 1;
  while (j < sql.length) {
    if (backslash && sql[j] === '\\') j += 2;
    else if (sql[j] === quote) {
      if (sql[j + 1] === quote) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

/**
 * Replaces `:name` parameters by `$n` placeholders (never inside quotes, dollar quotes or comments;
 * `::type` casts are left alone), numbering from `offset + 1`. A name without a value fails with SQL_ERROR.
 */
export function toPositional(
  sql: string,
  params: Readonly<Record<string, Json>>,
  where: string,
  offset = 0,
): PositionalSql {
  const values: PositionalSql['values'] = [];
  const numbers = new Map<string, number>();
  const text = substitute(sql, params, where, (name) => {
    let n = numbers.get(name);
    if (n === undefined) {
      values.push(toParam(params[name]));
      n = offset + values.length;
      numbers.set(name, n);
    }
    return `$${n}`;
  });
  return { text, values };
}

/**
 * A value as an SQL literal of unknown type, resolved from its context like a bound parameter
 * (`'42'`, `'it''s'`, `E'a\\b'` whatever standard_conforming_strings says): for statements that
 * take no parameters, such as COPY.
 */
export function sqlLiteral(value: Json | undefined): string {
  const v = toParam(value);
  if (v === null) return 'NULL';
  const text = String(v).replaceAll("'", "''");
  return text.includes('\\') ? `E'${text.replaceAll('\\', '\\\\')}'` : `'${text}'`;
}

/** {@link toPositional} with each `:name` replaced by its value as a literal ({@link sqlLiteral}). */
export function toInline(sql: string, params: Readonly<Record<string, Json>>, where: string): string {
  return substitute(sql, params, where, (name) => sqlLiteral(params[name]));
}

function substitute(
  sql: string,
  params: Readonly<Record<string, Json>>,
  where: string,
  place: (name: string) => string,
): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"') {
      // E'…' (escape string): the E is a word of its own, not the end of an identifier such as `some'x'`
      const e = c === "'" && (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !identChar.test(sql[i - 2] ?? ' ');
      i = skipQuoted(sql, i, c, e);
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      i = skipComment(sql, i);
    } else if (c !== '$' && identChar.test(c)) {
      // a whole word: identifiers may hold `$` (`a$b$` is no dollar quote)
      let j = i + 1;
      while (j < sql.length && identChar.test(sql[j] as string)) j++;
      i = j;
    } else if (c === '$' && /^\$(?:[A-Za-z_]\w*)?\$/.test(sql.slice(i, i + 66))) {
      const tag = (/^\$(?:[A-Za-z_]\w*)?\$/.exec(sql.slice(i)) as RegExpExecArray)[0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (c === ':' && sql[i + 1] === ':') {
      i += 2;
    } else if (c === ':' && nameStart.test(sql[i + 1] ?? '')) {
      let j = i + 2;
      while (j < sql.length && nameChar.test(sql[j] as string)) j++;
      const name = sql.slice(i + 1, j);
      if (!Object.hasOwn(params, name)) {
        throw sqlErrors.fail('SQL_ERROR', `${where}: the query uses :${name} but params has no "${name}"`, {
          where,
          hint: `Add ${name} to params (params: { ${name}: … }).`,
        });
      }
      out += `${sql.slice(from, i)}${place(name)}`;
      from = j;
      i = j;
    } else i++;
  }
  return out + sql.slice(from);
}
