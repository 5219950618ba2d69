import { readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { ApiTokenRow } from './state-store.js';

/** API tokens by name, as hashes: hashing and comparing happen in src/security; the store never sees a token. */
export async function putApiToken(db: StoreDb, name: string, hash: string, at: Date): Promise<void> {
  const created = writeTime(at);
  await db
    .insertInto('api_tokens')
    .values({ name, hash, created_at: created })
    .onConflict((oc) => oc.column('name').doUpdateSet({ hash, created_at: created }))
    .execute();
}

export async function listApiTokens(db: StoreDb): Promise<ApiTokenRow[]> {
  const rows = await db.selectFrom('api_tokens').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, hash: r.hash, createdAt: readTime(r.created_at) }));
}

/** Removes a token; false when there was none by that name. */
export async function deleteApiToken(db: StoreDb, name: string): Promise<boolean> {
  const result = await db.deleteFrom('api_tokens').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
