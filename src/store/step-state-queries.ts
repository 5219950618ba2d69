import type { StateEntry, StoredState } from '../sdk/index.js';
import { readJson, readTime, writeJson, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';

/** Keys per statement: well under SQLite's 32,766 bound parameters (4 per inserted row). */
const CHUNK = 1000;

/** The last entry of each key wins (one statement may not touch a row twice on PostgreSQL). */
function lastPerKey(entries: readonly StateEntry[]): StateEntry[] {
  const byKey = new Map<string, StateEntry>();
  for (const e of entries) {
    byKey.delete(e.key);
    byKey.set(e.key, e);
  }
  return [...byKey.values()];
}

export async function getState(
  db: StoreDb,
  namespace: string,
  keys: readonly string[],
): Promise<Map<string, StoredState>> {
  const found = new Map<string, StoredState>();
  const unique = [...new Set(keys)];
  for (let i = 0; i < unique.length; i += CHUNK) {
    const rows = await db
      .selectFrom('step_state')
      .select(['key', 'value', 'at'])
      .where('namespace', '=', namespace)
      .where('key', 'in', unique.slice(i, i + CHUNK))
      .execute();
    for (const r of rows) found.set(r.key, { value: readJson(r.value), at: readTime(r.at) });
  }
  return found;
}

/** Inserts or replaces entries; works inside a page's transaction as well as on its own. */
export async function putState(
  db: StoreDb,
  namespace: string,
  entries: readonly StateEntry[],
  at: Date,
): Promise<void> {
  const rows = lastPerKey(entries);
  const time = writeTime(at);
  for (let i = 0; i < rows.length; i += CHUNK) {
    await db
      .insertInto('step_state')
      .values(rows.slice(i, i + CHUNK).map((e) => ({ namespace, key: e.key, value: writeJson(e.value), at: time })))
      .onConflict((oc) =>
        oc
          .columns(['namespace', 'key'])
          .doUpdateSet((eb) => ({ value: eb.ref('excluded.value'), at: eb.ref('excluded.at') })),
      )
      .execute();
  }
}

export async function scanState(
  db: StoreDb,
  namespace: string,
  after: string | undefined,
  limit: number,
): Promise<StateEntry[]> {
  let query = db.selectFrom('step_state').select(['key', 'value']).where('namespace', '=', namespace);
  if (after !== undefined) query = query.where('key', '>', after);
  const rows = await query.orderBy('key').limit(limit).execute();
  return rows.map((r) => ({ key: r.key, value: readJson(r.value) }));
}

export async function clearState(db: StoreDb, namespace: string, before?: Date): Promise<number> {
  let query = db.deleteFrom('step_state').where('namespace', '=', namespace);
  if (before !== undefined) query = query.where('at', '<', writeTime(before));
  const result = await query.executeTakeFirst();
  return Number(result.numDeletedRows);
}
