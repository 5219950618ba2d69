import type { InboxEvent } from '../sdk/index.js';
import { readInt, readJson, readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { InboxAdd, NewInboxEvent } from './state-store.js';

/** Stores a pushed event; a repeat of an event id already accepted for the flow is reported, not stored. */
export async function addInboxEvent(db: StoreDb, event: NewInboxEvent): Promise<InboxAdd> {
  const inserted = await db
    .insertInto('inbox_events')
    .values({
      flow: event.flow,
      event_id: event.eventId,
      payload: event.payload,
      received_at: writeTime(event.receivedAt),
    })
    .onConflict((oc) => oc.columns(['flow', 'event_id']).doNothing())
    .returning('seq')
    .executeTakeFirst();
  if (inserted !== undefined) return { seq: readInt(inserted.seq), duplicate: false };
  const first = await db
    .selectFrom('inbox_events')
    .select('seq')
    .where('flow', '=', event.flow)
    .where('event_id', '=', event.eventId)
    .executeTakeFirstOrThrow();
  return { seq: readInt(first.seq), duplicate: true };
}

export async function readInbox(db: StoreDb, flow: string, after: number, limit: number): Promise<InboxEvent[]> {
  const rows = await db
    .selectFrom('inbox_events')
    .selectAll()
    .where('flow', '=', flow)
    .where('seq', '>', after)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: readInt(r.seq),
    eventId: r.event_id,
    payload: readJson(r.payload),
    receivedAt: readTime(r.received_at),
  }));
}

export async function purgeInbox(db: StoreDb, flow: string, upTo: number, before: Date): Promise<number> {
  const result = await db
    .deleteFrom('inbox_events')
    .where('flow', '=', flow)
    .where('seq', '<=', upTo)
    .where('received_at', '<', writeTime(before))
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}
