import type { Json } from '../sdk/index.js';
import { readJson, writeJson, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';

/** Delta-sync watermarks: one JSON value per (flow, source). */
export async function getWatermark(db: StoreDb, flow: string, source: string): Promise<Json | undefined> {
  const row = await db
    .selectFrom('watermarks')
    .select('value')
    .where('flow', '=', flow)
    .where('source', '=', source)
    .executeTakeFirst();
  return row === undefined ? undefined : readJson(row.value);
}

export async function setWatermark(db: StoreDb, flow: string, source: string, value: Json, at: Date): Promise<void> {
  const text = writeJson(value);
  const updated = writeTime(at);
  await db
    .insertInto('watermarks')
    .values({ flow, source, value: text, updated_at: updated })
    .onConflict((oc) => oc.columns(['flow', 'source']).doUpdateSet({ value: text, updated_at: updated }))
    .execute();
}
