import type { Json } from './json.js';

/** An HTTP request pushed to Syncline, as the server hands it over: headers (lower-case names) and raw body. */
export interface InboundRequest {
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: Buffer;
  /** When the server received it, by its injected clock: timestamped signatures are checked against it. */
  readonly receivedAt: Date;
}

/** What a receiver accepted from a request: the payload to persist and the sender's event id, if any. */
export interface AcceptedEvent {
  readonly eventId: string | null;
  readonly payload: Json;
}

/**
 * The receiving side of a push source (webhooks): checks one request (signature, size, JSON) and
 * returns the event to persist, or throws a FlowError (`WEBHOOK_UNAUTHORIZED`, `WEBHOOK_TOO_LARGE`,
 * `WEBHOOK_BAD_PAYLOAD`). It never sees the store: the server persists what it returns.
 */
export interface Receiver {
  /** Largest body accepted, in bytes. */
  readonly maxBytes: number;
  /** Micro-batches: a run starts once this many events wait… */
  readonly batchSize: number;
  /** …or this long after the first of them arrived. */
  readonly maxWaitMs: number;
  /** Handled events older than this are removed from the store (and their ids forgotten). */
  readonly retentionMs: number;
  accept(request: InboundRequest): AcceptedEvent;
}
