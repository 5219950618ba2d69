import {
  createRecord,
  type DataRecord,
  defineSource,
  type Failed,
  FlowError,
  type InboxEvent,
  inboxPosition,
  isJsonObject,
  type Json,
} from '../../sdk/index.js';
import type { WebhookConnection } from './connection.js';
import { type EventsSourceConfig, eventsSourceConfig } from './events-source-config.js';
import { webhookReceiver } from './webhook-receiver.js';

export { type EventsSourceConfig, eventsSourceConfig };

/** The records of one event: an object is one record, an array one record per element. */
function eventRecords(event: InboxEvent): { records: DataRecord[]; failed: Failed[] } {
  const base = event.eventId ?? `event:${event.seq}`;
  const position = `inbox event ${event.seq}`;
  const records: DataRecord[] = [];
  const failed: Failed[] = [];
  const one = (value: Json, id: string, where: string) => {
    if (isJsonObject(value)) records.push(createRecord(value, { id, position: where }));
    else
      failed.push({
        record: createRecord({ raw: JSON.stringify(value).slice(0, 65_536) }, { id, position: where }),
        error: new FlowError(
          'RECORD_MALFORMED',
          `the event is ${value === null ? 'null' : typeof value}, not a JSON object`,
          {
            where,
            hint: 'Send each event as a JSON object (or an array of objects).',
          },
        ),
      });
  };
  if (Array.isArray(event.payload)) {
    for (const [i, v] of event.payload.entries()) one(v, `${base}#${i}`, `${position}[${i}]`);
  } else one(event.payload, base, position);
  return { records, failed };
}

/**
 * Events pushed to `syncline serve` at `POST /hooks/<flow>`: persisted in the store's inbox before
 * they are acknowledged, then read here in order, `batch.size` per page. The checkpoint is the inbox
 * position, kept across runs: every accepted event is handled once.
 */
export const eventsSource = defineSource({
  type: 'events',
  description: 'Events received by the Syncline service at POST /hooks/<flow> (webhooks)',
  config: eventsSourceConfig,
  continuous: true,
  receiver: ({ config, connection }: { config: EventsSourceConfig; connection: WebhookConnection }) =>
    webhookReceiver(connection, config),
  async *read({ config, from }, ctx) {
    const inbox = ctx.inbox;
    if (!inbox) {
      throw new FlowError('INTERNAL', 'webhook.events needs the inbox of a run started by the engine', {
        hint: 'Run the flow through the engine: the service (webhooks and schedules) or a single run.',
        next: [{ action: 'service.start' }, { action: 'flows.run' }],
      });
    }
    let after = inboxPosition(from);
    while (!ctx.signal.aborted) {
      const events = await inbox.read(after, config.batch.size);
      if (events.length === 0) return;
      const records: DataRecord[] = [];
      const failed: Failed[] = [];
      for (const event of events) {
        const one = eventRecords(event);
        records.push(...one.records);
        failed.push(...one.failed);
      }
      after = (events[events.length - 1] as InboxEvent).seq;
      yield { records, checkpoint: after, ...(failed.length > 0 ? { failed } : {}) };
      if (events.length < config.batch.size) return;
    }
  },
});
