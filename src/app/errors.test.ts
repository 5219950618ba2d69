import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { testCatalog } from '../../test/helpers/test-catalog.js';
import { storeKinds } from '../../test/helpers/test-stores.js';
import { FlowError } from '../sdk/index.js';
import type { StateStore } from '../store/state-store.js';
import { createSyncline, type Syncline } from './create-syncline.js';
import type { ErrorFilter, RetryEvent } from './index.js';

const flow = `connections:
  files: { type: file, dir: . }
  crm: { type: sqlite, path: crm.db }
flows:
  customers:
    pii: [email, name, phone]
    source: { connection: files, type: file.csv, path: customers.csv, columns: { id: integer } }
    steps:
      - map:
          customer_id: { from: id }
          email: { from: email, transform: lowercase, onMissing: error }
          name: { from: name }
    destinations:
      - { connection: crm, type: sqlite.table, table: customers, operation: upsert, key: [customer_id], createTable: true }
`;

/** 30 customers, every 6th without email (5 record errors), and a line the source cannot read. */
function csv(): string {
  const lines = ['id,email,name,phone'];
  for (let i = 1; i <= 30; i++)
    lines.push(`${i},${i % 6 === 0 ? '' : `user${i}@example.com`},User Number ${i},+49 170 55500${i}`);
  lines.push('31,"broken@example.com,Broken,+1');
  return `${lines.join('\n')}\n`;
}

async function collect<T>(events: AsyncIterable<T>): Promise<T[]> {
  const all: T[] = [];
  for await (const event of events) all.push(event);
  return all;
}

const kinds = await storeKinds();
afterAll(async () => {
  for (const kind of kinds) await kind.cleanup();
});

describe.each(kinds)('app.errors and app.status on $name', (kind) => {
  let dir = '';
  let store: StateStore;
  let app: Syncline;
  const ids = async (filter: ErrorFilter = {}) =>
    (await app.errors.list({ ...filter, limit: 100 }, { mask: false })).records.map((e) => e.id);

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-app-errors-'));
    writeFileSync(join(dir, 'flow.yaml'), flow);
    writeFileSync(join(dir, 'customers.csv'), csv());
    ({ store } = await kind.open());
    app = createSyncline({ store, catalog: testCatalog, env: {} });
    const run = await app
      .engine()
      .run(await app.projects.load(join(dir, 'flow.yaml')), 'customers', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
  });
  afterEach(async () => {
    await app.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('status: the flow, its last run and its open error records, and no breaker', async () => {
    const { flows, breakers } = await app.status.report();
    expect(flows).toEqual([
      expect.objectContaining({
        flow: 'customers',
        lastRun: expect.objectContaining({ status: 'completed_with_errors' }),
        openErrors: 6,
      }),
    ]);
    expect(flows[0]).not.toHaveProperty('watermark');
    expect(breakers).toEqual([]);
  });

  it('lists with every filter, newest first, with the total', async () => {
    const all = await app.errors.list({ limit: 2 }, { mask: false });
    expect(all.total).toBe(6);
    expect(all.records).toHaveLength(2);
    expect(all.records[0]?.id).toBeGreaterThan(all.records[1]?.id ?? Number.MAX_SAFE_INTEGER);
    const missing = await app.errors.list({ code: 'RECORD_MISSING_FIELD', limit: 100 }, { mask: false });
    expect(missing.records.map((e) => e.recordId).sort()).toEqual([
      'line:13',
      'line:19',
      'line:25',
      'line:31',
      'line:7',
    ]);
    expect(
      (await app.errors.list({ stage: { kind: 'source' }, limit: 10 }, { mask: false })).records.map((e) => e.code),
    ).toEqual(['RECORD_MALFORMED']);
    expect(await ids({ recordId: 'line:7' })).toHaveLength(1);
    expect(await ids({ kind: 'record' })).toHaveLength(6);
    expect(await ids({ since: new Date(Date.now() - 3_600_000) })).toHaveLength(6);
    expect(await ids({ until: new Date(Date.now() - 3_600_000) })).toHaveLength(0);
    expect(await ids({ flow: 'customers', status: 'open', runId: missing.records[0]?.runId ?? 0 })).toHaveLength(6);
    expect(await ids({ flow: 'nope' })).toEqual([]);
  });

  it("masks the flow's pii fields in list and show unless asked not to; everything when the flow file is unknown", async () => {
    const [masked] = (await app.errors.list({ recordId: 'line:7', limit: 1 })).records;
    expect(masked?.payload).toEqual({ id: 6, email: null, name: '***er 6', phone: '***5006' });
    const id = masked?.id ?? 0;
    const shown = await app.errors.show(id);
    expect(shown.masked).toEqual(['email', 'name', 'phone']);
    expect(JSON.stringify(shown)).not.toContain('User Number 6');
    expect((await app.errors.show(id, { mask: false })).record.payload.name).toBe('User Number 6');
    const unknown = await app.errors.show(id, { file: join(dir, 'gone.yaml') });
    expect(unknown.masked).toBe('all');
    expect(JSON.stringify(unknown.record.payload)).not.toContain('170');
    // a line the source could not read is masked whole, in its message and history too
    const [bad] = (await app.errors.list({ code: 'RECORD_MALFORMED', limit: 1 })).records;
    const badShown = await app.errors.show(bad?.id ?? 0);
    for (const out of [JSON.stringify(bad), JSON.stringify(badShown)]) {
      expect(out).not.toContain('broken@example.com');
      expect(out).not.toContain('Broken');
    }
    await expect(app.errors.show(999_999)).rejects.toThrow('no error record with id 999999');
  });

  it('retries every open match, oldest first: failed again, attempts and history kept', async () => {
    const events = await collect(app.errors.retry({ all: { code: 'RECORD_MISSING_FIELD' } }));
    const selected = events[0] as Extract<RetryEvent, { type: 'selected' }>;
    expect(selected.ids).toEqual([...(await ids({ code: 'RECORD_MISSING_FIELD' }))].reverse());
    expect(events.filter((e) => e.type === 'retried')).toHaveLength(5);
    expect(events.at(-1)).toEqual({ type: 'records-done', delivered: 0, failed: 5, skipped: 0 });
    const after = await app.errors.list({ code: 'RECORD_MISSING_FIELD', limit: 10 }, { mask: false });
    expect(after.records.every((e) => e.attempts === 2 && e.status === 'open')).toBe(true);
    const { history } = await app.errors.show(after.records[0]?.id ?? 0);
    expect(history.map((h) => h.action)).toEqual(['failed', 'retry failed']);
  });

  it('with several records, one that cannot be retried is reported and the others go on; one alone throws', async () => {
    const [first] = await ids({ code: 'RECORD_MISSING_FIELD' });
    const events = await collect(app.errors.retry({ ids: [999_999, first ?? 0] }));
    expect(events.map((e) => e.type)).toEqual(['selected', 'not-retried', 'retried', 'records-done']);
    const skipped = events[1] as Extract<RetryEvent, { type: 'not-retried' }>;
    expect(skipped.error.code).toBe('ERROR_RECORD_NOT_FOUND');
    expect(events.at(-1)).toEqual({ type: 'records-done', delivered: 0, failed: 1, skipped: 1 });
    await expect(collect(app.errors.retry({ ids: [999_999] }))).rejects.toThrow(FlowError);
    expect(await collect(app.errors.retry({ all: { flow: 'nope' } }))).toEqual([{ type: 'selected', ids: [] }]);
  });

  it('resolves every open match with a note, refuses to retry a resolved one, and purges by age', async () => {
    const events = await collect(
      app.errors.resolve({ all: { flow: 'customers' } }, 'customers without email are dropped'),
    );
    expect(events.filter((e) => e.type === 'resolved')).toHaveLength(6);
    expect(await ids({ status: 'open' })).toEqual([]);
    expect(await collect(app.errors.resolve({ all: { flow: 'customers' } }))).toEqual([{ type: 'selected', ids: [] }]);
    const [one] = await ids({ recordId: 'line:7' });
    await expect(collect(app.errors.retry({ ids: [one ?? 0] }))).rejects.toThrow(
      `error record ${one} is already resolved`,
    );
    await expect(collect(app.errors.resolve({ ids: [one ?? 0] }))).rejects.toThrow('is already resolved');
    const shown = await app.errors.show(one ?? 0);
    expect(shown.record.note).toBe('customers without email are dropped');
    expect(shown.history.at(-1)).toEqual(
      expect.objectContaining({ action: 'resolved', message: 'customers without email are dropped' }),
    );
    expect(await app.errors.purge(30 * 86_400_000)).toBe(0);
    expect(await app.errors.purge(0)).toBe(6);
    expect(await ids()).toEqual([]);
  });
});
