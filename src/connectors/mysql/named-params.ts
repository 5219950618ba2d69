import { sqlErrors } from '../../kit/index.js';
import type { Json } from '../../sdk/index.js';
import { sqlLiteral } from './sql-values.js';

const nameStart = /[A-Za-z_]/;
const nameChar = /\w/;

/** Index just past the quoted text opening at `i` (quote `q`), honouring backslash escapes and doubled quotes. */
function skipQuoted(sql: string, i: number, q: string): number {
  let j = i + 1;
  while (j < sql.length) {
    const c = sql[j];
    if (c === '\\' && q !== '`') j += 2;
    else if (c === q) {
      if (sql[j + 1] === q) j += 2;
      else return j + 1;
    } else j++;
  }
  return j;
}

/**
 * Replaces `:name` parameters in `sql` by the escaped values of `params` (never inside quotes,
 * backtick identifiers or comments; `:=` is left alone). A name without a value fails with SQL_ERROR.
 */
export function bindNamed(sql: string, params: Readonly<Record<string, Json>>, where: string): string {
  let out = '';
  let from = 0;
  let i = 0;
  while (i < sql.length) {
    const c = sql[i] as string;
    if (c === "'" || c === '"' || c === '`') {
      i = skipQuoted(sql, i, c);
    } else if ((c === '-' && sql[i + 1] === '-' && /\s/.test(sql[i + 2] ?? ' ')) || c === '#') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
    } else if (c === ':' && nameStart.test(sql[i + 1] ?? '') && sql[i - 1] !== ':') {
      let j = i + 2;
      while (j < sql.length && nameChar.test(sql[j] as string)) j++;
      const name = sql.slice(i + 1, j);
      if (!Object.hasOwn(params, name)) {
        throw sqlErrors.fail('SQL_ERROR', `${where}: the query uses :${name} but params has no "${name}"`, {
          where,
          hint: `Add ${name} to params (params: { ${name}: … }).`,
        });
      }
      out += sql.slice(from, i) + sqlLiteral(params[name]);
      from = j;
      i = j;
    } else i++;
  }
  return out + sql.slice(from);
}
