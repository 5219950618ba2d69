import { STAGE_SOURCE_TYPE, stageSourceSchema } from '../config/structure.js';
import {
  createRecord,
  type DataRecord,
  defineSource,
  FlowError,
  type InboxEvent,
  inboxPosition,
  isJsonObject,
} from '../sdk/index.js';

/** A record as a pipeline stage hands it on: its id and data, as one inbox event of the next flow. */
export function handoffPayload(record: DataRecord): string {
  return JSON.stringify({ id: record.meta.id, data: record.data });
}

function stageRecord(event: InboxEvent): DataRecord {
  const p = event.payload;
  const data = isJsonObject(p) && isJsonObject(p.data) ? p.data : {};
  const id = isJsonObject(p) && typeof p.id === 'string' ? p.id : `record:${event.seq}`;
  return createRecord(data, { id, position: `stage record ${event.seq}` });
}

/**
 * The source of a pipeline stage (`source: { flow: <previous> }`): the records the previous flow
 * handed on, kept in the store (as this flow's inbox, written in the same transaction as the previous
 * flow's page checkpoints) and read in order. The checkpoint is the position, kept across runs, so a
 * failed stage goes on from where it stopped, without the stages before it running again.
 */
export const stageSource = defineSource({
  type: STAGE_SOURCE_TYPE,
  description: 'A pipeline stage: the records the previous flow handed on with `next:`',
  config: stageSourceSchema,
  continuous: true,
  async *read({ config, from }, ctx) {
    const inbox = ctx.inbox;
    if (!inbox) {
      throw new FlowError(
        'INTERNAL',
        `flow ${ctx.flow} reads flow ${config.flow}'s records, which only a run the engine starts can`,
        {
          hint: 'Run the pipeline once, or start the service that runs it.',
          next: [{ action: 'flows.run' }, { action: 'service.start' }],
        },
      );
    }
    let after = inboxPosition(from);
    while (!ctx.signal.aborted) {
      const events = await inbox.read(after, config.pageSize);
      if (events.length === 0) return;
      after = (events[events.length - 1] as InboxEvent).seq;
      yield { records: events.map(stageRecord), checkpoint: after };
      if (events.length < config.pageSize) return;
    }
  },
});
