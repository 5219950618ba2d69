import { readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { SecretRow } from './state-store.js';

/** Sealed secrets by name. The store never sees a plain value: sealing happens in src/security. */
export async function putSecret(db: StoreDb, name: string, sealed: string, at: Date): Promise<void> {
  const updated = writeTime(at);
  await db
    .insertInto('secrets')
    .values({ name, sealed, updated_at: updated })
    .onConflict((oc) => oc.column('name').doUpdateSet({ sealed, updated_at: updated }))
    .execute();
}

export async function getSecret(db: StoreDb, name: string): Promise<SecretRow | undefined> {
  const r = await db.selectFrom('secrets').selectAll().where('name', '=', name).executeTakeFirst();
  return r === undefined ? undefined : { name: r.name, sealed: r.sealed, updatedAt: readTime(r.updated_at) };
}

export async function listSecrets(db: StoreDb): Promise<SecretRow[]> {
  const rows = await db.selectFrom('secrets').selectAll().orderBy('name').execute();
  return rows.map((r) => ({ name: r.name, sealed: r.sealed, updatedAt: readTime(r.updated_at) }));
}

/** Removes a secret; false when there was none by that name. */
export async function deleteSecret(db: StoreDb, name: string): Promise<boolean> {
  const result = await db.deleteFrom('secrets').where('name', '=', name).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}
