import type { Json } from '../sdk/index.js';
import type { StoreDb } from './run-queries.js';
import type { SyncSide } from './sync-store.js';
import { getWatermark, setWatermark } from './watermark-queries.js';

/**
 * A sync side's watermark (the highest change cursor fully staged) lives in `watermarks` with the
 * sync's name as the flow and `sync:a` / `sync:b` as the source; set only inside a fenced staging.
 */
export const syncWatermarkSource = (side: SyncSide): string => `sync:${side}`;

export function getSyncWatermark(db: StoreDb, sync: string, side: SyncSide): Promise<Json | undefined> {
  return getWatermark(db, sync, syncWatermarkSource(side));
}

export function setSyncWatermark(db: StoreDb, sync: string, side: SyncSide, value: Json, at: Date): Promise<void> {
  return setWatermark(db, sync, syncWatermarkSource(side), value, at);
}

export async function clearSyncWatermarks(db: StoreDb, sync: string): Promise<void> {
  await db
    .deleteFrom('watermarks')
    .where('flow', '=', sync)
    .where('source', 'in', [syncWatermarkSource('a'), syncWatermarkSource('b')])
    .execute();
}
