import type { Json, JsonObject } from '../../src/sdk/index.js';
import type {
  InboxAdd,
  NewErrorRecord,
  NewInboxEvent,
  NewRun,
  PageCommit,
  RunCounts,
  RunRow,
  StateStore,
} from '../../src/store/index.js';

export const T0 = Date.UTC(2026, 0, 1, 12, 0, 0, 123);

/** A time `ms` after T0, with a millisecond part so that precision loss shows. */
export function at(ms: number): Date {
  return new Date(T0 + ms);
}

export function counts(read: number, written: number, failed = 0): RunCounts {
  return {
    read,
    written,
    skipped: 0,
    failed,
    steps: { 'map#1': { in: read, out: read, failed: 0, skipped: 0 } },
    destinations: { out: { in: read, out: written, failed, skipped: 0 } },
  };
}

export function newRun(flow: string, startedAt: Date, overrides: Partial<NewRun> = {}): NewRun {
  return {
    flow,
    trigger: 'cli',
    flowFile: '/flows/orders.yaml',
    host: 'box-1',
    pid: 4242,
    startedAt,
    resumedFrom: null,
    ...overrides,
  };
}

export function startRun(
  store: StateStore,
  flow: string,
  startedAt = at(0),
  overrides: Partial<NewRun> = {},
): Promise<RunRow> {
  return store.createRun(newRun(flow, startedAt, overrides));
}

export function errorRecord(run: RunRow, overrides: Partial<NewErrorRecord> = {}): NewErrorRecord {
  return {
    flow: run.flow,
    runId: run.id,
    recordId: 'line:2',
    stage: { kind: 'destination', name: 'out' },
    code: 'RECORD_CONSTRAINT',
    kind: 'record',
    message: 'column "email" violates not-null constraint',
    hint: 'map a value into email',
    field: 'email',
    payload: { id: 1, email: null },
    raw: null,
    attempts: 1,
    createdAt: at(1000),
    ...overrides,
  };
}

export function page(
  run: RunRow,
  seq: number,
  checkpoint: Json | undefined,
  overrides: Partial<PageCommit> = {},
): PageCommit {
  return {
    runId: run.id,
    flow: run.flow,
    seq,
    checkpoint,
    records: 1000,
    failed: 0,
    durationMs: 12,
    counts: counts(1000 * seq, 1000 * seq),
    errors: [],
    at: at(seq * 1000),
    ...overrides,
  };
}

/** JSON values that must survive a round trip unchanged. */
export const jsonSamples: { name: string; value: Json }[] = [
  { name: 'null', value: null },
  { name: 'true', value: true },
  { name: 'zero', value: 0 },
  { name: 'negative float', value: -12.5 },
  { name: 'max safe integer', value: Number.MAX_SAFE_INTEGER },
  { name: 'empty string', value: '' },
  { name: 'string that looks like JSON', value: '{"a":1}' },
  { name: 'string with quotes, backslashes, newlines', value: 'say "hi"\\ \n\ttab \'single\'' },
  { name: 'unicode', value: 'Grüße, 日本語, עברית, emoji 😀👩‍👩‍👧, e\u0301, \u2028' },
  { name: 'empty array', value: [] },
  { name: 'empty object', value: {} },
  {
    name: 'nested',
    value: { a: [1, [2, [3, { b: null, c: ['x', { d: true }] }]]], 'key with spaces': { ключ: 'значение' } },
  },
];

export const nestedPayload: JsonObject = {
  id: 'ord-1',
  customer: { name: 'Zoë Ångström', email: 'zoe@example.com', tags: ['vip', '🚀'] },
  lines: [
    { sku: 'A-1', qty: 2, price: 9.99 },
    { sku: 'B-2', qty: 1, price: 0.1, notes: null },
  ],
  big: Number.MAX_SAFE_INTEGER,
  ok: false,
};

/** Stores one pushed event (the store takes a list: the server commits concurrent requests together). */
export async function addEvent(store: StateStore, event: NewInboxEvent): Promise<InboxAdd> {
  const [added] = await store.addInboxEvents([event]);
  if (!added) throw new Error('addInboxEvents answered nothing');
  return added;
}
