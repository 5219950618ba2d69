import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempContext } from '../../../test/helpers/temp-context.js';
import { addEvent } from '../../../test/store/store-fixtures.js';
import type { Context, Json, Page } from '../../sdk/index.js';
import { openStore } from '../../store/index.js';
import type { StateStore } from '../../store/state-store.js';
import { webhookConnectionConfig } from './connection.js';
import { eventsSource, eventsSourceConfig } from './events-source.js';

const { ctx: base } = tempContext('syncline-events-');
const connection = webhookConnectionConfig.parse({ auth: { type: 'none' } });

describe('webhook.events source', () => {
  let store: StateStore;
  let ctx: Context;
  beforeEach(async () => {
    store = await openStore(':memory:');
    ctx = { ...base, inbox: { read: (after, limit) => store.readInbox('hooks', after, limit) } };
  });
  afterEach(() => store.close());

  const add = (payload: Json, eventId: string | null = null) =>
    addEvent(store, { flow: 'hooks', eventId, payload: JSON.stringify(payload), receivedAt: new Date() });
  async function read(size: number, from?: Json): Promise<Page[]> {
    const pages: Page[] = [];
    const config = eventsSourceConfig.parse({ batch: { size } });
    for await (const page of eventsSource.read({ config, connection, ...(from === undefined ? {} : { from }) }, ctx))
      pages.push(page);
    return pages;
  }

  it('reads the inbox in pages of batch.size with the inbox position as checkpoint, and resumes after it', async () => {
    const seqs: number[] = [];
    for (let i = 1; i <= 5; i++) seqs.push((await add({ n: i }, `evt-${i}`)).seq);
    const pages = await read(2);
    expect(pages.map((p) => p.records.map((r) => r.data.n))).toEqual([[1, 2], [3, 4], [5]]);
    expect(pages.map((p) => p.checkpoint)).toEqual([seqs[1], seqs[3], seqs[4]]);
    expect(pages[0]?.records[0]?.meta).toEqual({ id: 'evt-1', position: `inbox event ${seqs[0]}` });
    const resumed = await read(10, seqs[2]);
    expect(resumed.flatMap((p) => p.records.map((r) => r.data.n))).toEqual([4, 5]);
    expect(await read(10, seqs[4])).toEqual([]);
  });

  it('turns an array event into one record per element and refuses non-objects as malformed records', async () => {
    const { seq } = await add([{ sku: 'a' }, { sku: 'b' }, 42]);
    const { seq: seq2 } = await add('just text');
    const [page] = await read(10);
    expect(page?.records.map((r) => [r.meta.id, r.data.sku])).toEqual([
      [`event:${seq}#0`, 'a'],
      [`event:${seq}#1`, 'b'],
    ]);
    expect(page?.failed?.map((f) => [f.record.meta.id, f.error.code, f.error.message])).toEqual([
      [`event:${seq}#2`, 'RECORD_MALFORMED', 'the event is number, not a JSON object'],
      [`event:${seq2}`, 'RECORD_MALFORMED', 'the event is string, not a JSON object'],
    ]);
    expect(page?.failed?.[1]?.record.data).toEqual({ raw: '"just text"' });
  });

  it('says what is wrong when run without an inbox', async () => {
    const config = eventsSourceConfig.parse({});
    const iterator = eventsSource.read({ config, connection }, base)[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toThrow('webhook.events needs the inbox of a run started by the engine');
  });
});
