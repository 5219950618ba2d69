import { describeSourceConformance } from '../../../test/conformance/source-conformance.js';
import { addEvent } from '../../../test/store/store-fixtures.js';
import type { Context, Json } from '../../sdk/index.js';
import { openStore } from '../../store/index.js';
import type { StateStore } from '../../store/state-store.js';
import { webhookConnectionConfig } from './connection.js';
import { eventsSource, eventsSourceConfig } from './events-source.js';

const connection = webhookConnectionConfig.parse({ auth: { type: 'none' } });
const config = eventsSourceConfig.parse({ batch: { size: 2 } });
let store: StateStore;
const withInbox = (ctx: Context, flow: string): Context => ({
  ...ctx,
  inbox: { read: (after, limit) => store.readInbox(flow, after, limit) },
});
const add = (flow: string, payload: Json, eventId: string | null) =>
  addEvent(store, { flow, eventId, payload: JSON.stringify(payload), receivedAt: new Date() });
let bad: { ids: string[]; failedIds: string[] };

describeSourceConformance('webhook.events', {
  async setup() {
    store = await openStore(':memory:');
    for (let i = 1; i <= 7; i++) await add('hooks', { n: i }, `evt-${i}`);
    await add('bad', { n: 1 }, 'ok-1');
    const text = await add('bad', 'just text', null);
    const list = await add('bad', [{ n: 3 }, 42], null);
    await add('bad', { n: 4 }, 'ok-4');
    bad = {
      ids: ['ok-1', `event:${list.seq}#0`, 'ok-4'],
      failedIds: [`event:${text.seq}`, `event:${list.seq}#1`],
    };
  },
  teardown: () => store.close(),
  context: (ctx) => withInbox(ctx, 'hooks'),
  read: ({ from }, ctx) => eventsSource.read({ config, connection, ...(from === undefined ? {} : { from }) }, ctx),
  ids: () => Array.from({ length: 7 }, (_, i) => `evt-${i + 1}`),
  delta: { skip: 'an inbox is read by position (the checkpoint); events carry no change cursor to filter by' },
  badRows: {
    read: (ctx) => eventsSource.read({ config, connection }, withInbox(ctx, 'bad')),
    ids: () => bad.ids,
    failedIds: () => bad.failedIds,
  },
  resources: { skip: 'reads through the run’s inbox (the engine’s store): the source opens nothing of its own' },
});
