import type { Json } from './json.js';

/** An event pushed to Syncline (a webhook call), as the store keeps it until the flow handled it. */
export interface InboxEvent {
  /** Position in the flow's inbox: increasing, never reused. */
  readonly seq: number;
  /** The sender's event id (from the configured header), used to acknowledge repeats once. */
  readonly eventId: string | null;
  readonly payload: Json;
  readonly receivedAt: Date;
}

/**
 * The durable inbox of the running flow: events accepted by `syncline serve` and persisted before
 * they were acknowledged. Sources that receive pushed events read it in order from their checkpoint.
 */
export interface Inbox {
  /** Up to `limit` events after position `after` (0 = from the first), oldest first. */
  read(after: number, limit: number): Promise<InboxEvent[]>;
}

/** The inbox position a push source's checkpoint holds (0 when there is none yet). */
export function inboxPosition(checkpoint: Json | undefined): number {
  return typeof checkpoint === 'number' && Number.isSafeInteger(checkpoint) && checkpoint > 0 ? checkpoint : 0;
}
