import { sqlErrors } from './sql-error-codes.js';

const nameStart = /[A-Za-z_]/;
const nameChar = /\w/;

/** Whether `sql[i]` is the `:` of a named parameter (`:name`). */
export function isNamedParam(sql: string, i: number): boolean {
  return sql[i] === ':' && nameStart.test(sql[i + 1] ?? '');
}

/**
 * The named parameter whose `:` is at `sql[i]`: its name and the index after it. SQL_ERROR with the fix
 * when `params` has no value for it.
 */
export function namedParamAt(
  sql: string,
  i: number,
  params: Readonly<Record<string, unknown>>,
  where: string,
): { name: string; end: number } {
  let j = i + 2;
  while (j < sql.length && nameChar.test(sql[j] as string)) j++;
  const name = sql.slice(i + 1, j);
  if (!Object.hasOwn(params, name)) {
    throw sqlErrors.fail('SQL_ERROR', `${where}: the query uses :${name} but params has no "${name}"`, {
      where,
      hint: `Add ${name} to params (params: { ${name}: … }).`,
    });
  }
  return { name, end: j };
}
