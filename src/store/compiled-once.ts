import { CompiledQuery } from 'kysely';
import type { StoreDialect } from './migrations.js';
import type { StoreDb } from './run-queries.js';

/** SQL texts kept (shape × row count × dialect): a sync's statements are a handful of shapes. */
const MAX_TEXTS = 64;
const texts = new Map<string, string>();

function sameParameters(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Runs a many-row statement (a staging insert, a bulk link update) whose SQL text depends only on its
 * shape (`key`: columns, row count) and the dialect, not on its values: Kysely builds and compiles it
 * the first time only (its operation tree and text cost a few KB a row, garbage that piles up in a long
 * sync), later calls bind `parameters` to the kept text. The first compile is checked: when Kysely's
 * parameters are not `parameters` in the same order, the text is not kept and Kysely's query runs.
 */
export async function executeCompiledOnce(
  db: StoreDb,
  dialect: StoreDialect,
  key: string,
  parameters: unknown[],
  compile: () => CompiledQuery,
): Promise<void> {
  const cacheKey = `${dialect}\u0001${key}`;
  const text = texts.get(cacheKey);
  if (text !== undefined) {
    await db.executeQuery(CompiledQuery.raw(text, parameters));
    return;
  }
  const compiled = compile();
  if (sameParameters(compiled.parameters, parameters)) {
    if (texts.size >= MAX_TEXTS) texts.clear();
    texts.set(cacheKey, compiled.sql);
  }
  await db.executeQuery(compiled);
}
