import type { Selectable } from 'kysely';
import { readInt, readTime, readTimeOrNull, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { BreakersTable } from './schema.js';
import type { BreakerRow } from './state-store.js';

function toRow(r: Selectable<BreakersTable>): BreakerRow {
  return {
    key: r.key,
    name: r.name,
    state: r.state as BreakerRow['state'],
    failures: readInt(r.failures),
    openedAt: readTimeOrNull(r.opened_at),
    updatedAt: readTime(r.updated_at),
  };
}

export async function saveBreaker(db: StoreDb, row: BreakerRow): Promise<void> {
  const values = {
    name: row.name,
    state: row.state,
    failures: row.failures,
    opened_at: row.openedAt === null ? null : writeTime(row.openedAt),
    updated_at: writeTime(row.updatedAt),
  };
  await db
    .insertInto('breakers')
    .values({ key: row.key, ...values })
    .onConflict((oc) => oc.column('key').doUpdateSet(values))
    .execute();
}

export async function getBreaker(db: StoreDb, key: string): Promise<BreakerRow | undefined> {
  const r = await db.selectFrom('breakers').selectAll().where('key', '=', key).executeTakeFirst();
  return r === undefined ? undefined : toRow(r);
}

export async function listBreakers(db: StoreDb): Promise<BreakerRow[]> {
  return (await db.selectFrom('breakers').selectAll().orderBy('name').execute()).map(toRow);
}
