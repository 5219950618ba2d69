import type { InboxEvent } from '../sdk/index.js';
import { readInt, readJson, readTime, writeTime } from './codec.js';
import type { StoreDb } from './run-queries.js';
import type { InboxAdd, NewInboxEvent } from './state-store.js';

const idKey = (flow: string, eventId: string) => JSON.stringify([flow, eventId]);

/** Rows per INSERT statement (SQLite binds at most 32,766 parameters; 4 per row). */
const CHUNK = 1000;

/**
 * Stores pushed events in one transaction (a group commit: one statement for many concurrent
 * requests); a repeat of an event id already accepted for the flow — before or earlier in the same
 * batch — is reported with the first event's position, not stored.
 */
export async function addInboxEvents(db: StoreDb, events: readonly NewInboxEvent[]): Promise<InboxAdd[]> {
  if (events.length === 0) return [];
  return db.transaction().execute(async (trx) => {
    const results: InboxAdd[] = [];
    for (let at = 0; at < events.length; at += CHUNK) {
      const chunk = events.slice(at, at + CHUNK);
      const inserted = await trx
        .insertInto('inbox_events')
        .values(
          chunk.map((e) => ({
            flow: e.flow,
            event_id: e.eventId,
            payload: e.payload,
            received_at: writeTime(e.receivedAt),
          })),
        )
        .onConflict((oc) => oc.columns(['flow', 'event_id']).doNothing())
        .returning(['seq', 'flow', 'event_id'])
        .execute();
      // rows with an id are matched by it; rows without one never conflict and get increasing positions in order
      const byId = new Map<string, number>();
      const anonymous = new Map<string, number[]>();
      for (const row of inserted) {
        const seq = readInt(row.seq);
        if (row.event_id === null) {
          const list = anonymous.get(row.flow) ?? [];
          list.push(seq);
          anonymous.set(row.flow, list);
        } else byId.set(idKey(row.flow, row.event_id), seq);
      }
      for (const list of anonymous.values()) list.sort((a, b) => a - b);
      const claimed = new Set<string>();
      for (const e of chunk) {
        if (e.eventId === null) {
          results.push({ seq: anonymous.get(e.flow)?.shift() as number, duplicate: false });
          continue;
        }
        const key = idKey(e.flow, e.eventId);
        const seq = byId.get(key);
        if (seq !== undefined && !claimed.has(key)) {
          claimed.add(key);
          results.push({ seq, duplicate: false });
          continue;
        }
        const first =
          seq ??
          readInt(
            (
              await trx
                .selectFrom('inbox_events')
                .select('seq')
                .where('flow', '=', e.flow)
                .where('event_id', '=', e.eventId)
                .executeTakeFirstOrThrow()
            ).seq,
          );
        results.push({ seq: first, duplicate: true });
      }
    }
    return results;
  });
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

/** Appends records handed on by a pipeline stage to the next flow's inbox (inside the page's transaction). */
export async function appendInbox(db: StoreDb, flow: string, payloads: readonly string[], at: Date): Promise<void> {
  const time = writeTime(at);
  for (let i = 0; i < payloads.length; i += CHUNK) {
    await db
      .insertInto('inbox_events')
      .values(payloads.slice(i, i + CHUNK).map((payload) => ({ flow, event_id: null, payload, received_at: time })))
      .execute();
  }
}
