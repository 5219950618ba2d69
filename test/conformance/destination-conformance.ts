import { afterAll, beforeAll, describe, expect } from 'vitest';
import {
  type Context,
  createRecord,
  type DataRecord,
  FlowError,
  type JsonObject,
  noMetrics,
  silentLogger,
  systemClock,
  type WriteResult,
  type Writer,
} from '../../src/sdk/index.js';
import { type Capability, itWhen } from './capability.js';

export type Operation = 'insert' | 'update' | 'upsert' | 'ignore';

/** The rows the suite writes and reads back: `id` is the key. */
export interface Row {
  readonly id: number;
  readonly name: string | null;
}

/** One fresh place to write to (a table, a file, a collection on a server). */
export interface DestinationTarget {
  /** A writer for the operation, keyed by `id` where the operation needs a key. */
  open(operation: Operation, ctx: Context): Promise<Writer>;
  /** What the target holds now, as rows sorted by id (after the writer is closed for files). */
  rows(): Promise<Row[]>;
}

export interface DestinationHarness {
  setup?(): Promise<void>;
  teardown?(): Promise<void>;
  /** A fresh target holding `seed` (called per test; only with rows for update, upsert and ignore). */
  target(seed: readonly Row[]): Promise<DestinationTarget>;
  readonly operations: {
    readonly insert: Capability<object>;
    readonly upsert: Capability<object>;
    readonly ignore: Capability<object>;
    /** `missing`: the code of the rejection for a record whose row does not exist. */
    readonly update: Capability<{ readonly missing: string }>;
  };
  /** An upsert of a row that is already as written counts as skipped, not written. */
  readonly countsUnchanged: boolean;
  /** Records without the key field are rejected (code) by key-based operations. */
  readonly noKey: Capability<{ readonly code: string /** the key field the error names */; readonly field?: string }>;
  /** A record the destination refuses alone (with this code), given its id. */
  readonly rejects: Capability<{ record(id: number): JsonObject; readonly code: string }>;
  /** How a batch written again (a page resumed after a crash) leaves no duplicates. */
  readonly rewrite: Capability<{ readonly by: 'pageMarkers' | 'upsert' }>;
  /** Writes `records` with `writer` while the target fails transiently; returns what the write threw. */
  readonly transient: Capability<{
    /** The code of the transient error (e.g. TRANSIENT_IO, DB_BUSY). */
    readonly code: string;
    fail(target: DestinationTarget, writer: Writer, records: readonly DataRecord[], ctx: Context): Promise<unknown>;
  }>;
  /** A batch the destination refuses as a whole, permanently (not retried), with this code. */
  readonly permanent: Capability<{ readonly records: readonly JsonObject[]; readonly code: string }>;
  /** The id the destination gives each written record (WriteResult.ids), from its data. */
  readonly ids: Capability<{ of(data: JsonObject): string }>;
}

function context(): Context {
  return {
    runId: 'conformance',
    flow: 'conformance',
    signal: new AbortController().signal,
    clock: systemClock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: '.',
  };
}

const records = (rows: readonly JsonObject[], first = 1) =>
  rows.map((data, i) => createRecord(data, { id: `rec:${first + i}` }));
const seed: readonly Row[] = [
  { id: 1, name: 'one' },
  { id: 2, name: 'two' },
];
const written = (result: WriteResult, n: number) => result.written ?? n - result.rejected.length;
const rejections = (result: WriteResult) => result.rejected.map((r) => [r.index, r.error.code, r.error.kind]);

/** Writes, then closes (a file is final only then), then reads back. */
async function writeAndRead(
  target: DestinationTarget,
  operation: Operation,
  batches: readonly (readonly DataRecord[])[],
): Promise<{ results: WriteResult[]; rows: Row[] }> {
  const ctx = context();
  const writer = await target.open(operation, ctx);
  const results: WriteResult[] = [];
  for (const batch of batches) results.push(await writer.write(batch, ctx));
  await writer.close(ctx);
  return { results, rows: await target.rows() };
}

/**
 * The contract every destination keeps: each operation it offers, per-record rejections with index and
 * code, an idempotent re-write of a batch, transient vs permanent failures, ids in input order.
 */
export function describeDestinationConformance(name: string, harness: DestinationHarness): void {
  const ops = harness.operations;
  const first: Operation = (['insert', 'upsert', 'update', 'ignore'] as const).find(
    (op) => !('skip' in ops[op]),
  ) as Operation;
  describe(`${name} — destination conformance`, () => {
    if (harness.setup) beforeAll(() => harness.setup?.());
    if (harness.teardown) afterAll(() => harness.teardown?.());

    itWhen('insert writes every record of every batch', ops.insert, async () => {
      const { results, rows } = await writeAndRead(await harness.target([]), 'insert', [
        records([
          { id: 1, name: 'a' },
          { id: 2, name: 'b' },
        ]),
        [],
        records([{ id: 3, name: 'c' }], 3),
      ]);
      expect(results.map((r, i) => [written(r, [2, 0, 1][i] as number), r.rejected])).toEqual([
        [2, []],
        [0, []],
        [1, []],
      ]);
      expect(rows).toEqual([
        { id: 1, name: 'a' },
        { id: 2, name: 'b' },
        { id: 3, name: 'c' },
      ]);
    });

    itWhen('upsert updates existing rows by key and inserts new ones', ops.upsert, async () => {
      const target = await harness.target(seed);
      const { results, rows } = await writeAndRead(target, 'upsert', [
        records([
          { id: 2, name: 'TWO' },
          { id: 3, name: 'new' },
        ]),
        records([
          { id: 1, name: 'one' },
          { id: 3, name: 'NEW' },
        ]),
      ]);
      expect(results.map((r) => r.rejected)).toEqual([[], []]);
      expect(written(results[0] as WriteResult, 2)).toBe(2);
      if (harness.countsUnchanged) expect(results[1]).toMatchObject({ written: 1, skipped: 1 });
      expect(rows).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'TWO' },
        { id: 3, name: 'NEW' },
      ]);
    });

    itWhen(
      'ignore-existing inserts new rows and leaves existing ones alone, counting them as skipped',
      ops.ignore,
      async () => {
        const { results, rows } = await writeAndRead(await harness.target(seed), 'ignore', [
          records([
            { id: 2, name: 'TWO' },
            { id: 3, name: 'new' },
          ]),
        ]);
        expect(results[0]).toMatchObject({ rejected: [], written: 1, skipped: 1 });
        expect(rows).toEqual([...seed, { id: 3, name: 'new' }]);
      },
    );

    itWhen('update changes existing rows and rejects a record whose row does not exist', ops.update, async (update) => {
      const { results, rows } = await writeAndRead(await harness.target(seed), 'update', [
        records([
          { id: 9, name: 'x' },
          { id: 2, name: 'TWO' },
        ]),
      ]);
      const [result] = results as [WriteResult];
      expect(written(result, 2)).toBe(1);
      expect(rejections(result)).toEqual([[0, update.missing, 'record']]);
      expect(result.rejected[0]?.error).toBeInstanceOf(FlowError);
      expect(rows).toEqual([
        { id: 1, name: 'one' },
        { id: 2, name: 'TWO' },
      ]);
    });

    itWhen('a record without its key is rejected alone (update, upsert, ignore)', harness.noKey, async (noKey) => {
      for (const op of ['update', 'upsert', 'ignore'] as const) {
        if ('skip' in ops[op]) continue;
        const target = await harness.target(seed);
        const { results, rows } = await writeAndRead(target, op, [
          records([{ name: 'no key' }, { id: 2, name: 'TWO' }]),
        ]);
        expect(rejections(results[0] as WriteResult)).toEqual([[0, noKey.code, 'record']]);
        if (noKey.field !== undefined) expect(results[0]?.rejected[0]?.error.field).toBe(noKey.field);
        expect(rows.find((r) => r.id === 2)?.name).toBe(op === 'ignore' ? 'two' : 'TWO');
      }
    });

    itWhen(
      'per-record rejections: the right index, a stable code, kind record; the rest of the batch is written',
      harness.rejects,
      async (rejects) => {
        const { results, rows } = await writeAndRead(await harness.target([]), first, [
          records([{ id: 1, name: 'a' }, rejects.record(2), { id: 3, name: 'c' }]),
          records([rejects.record(4), { id: 5, name: 'e' }, rejects.record(6)], 4),
        ]);
        expect(results.map(rejections)).toEqual([
          [[1, rejects.code, 'record']],
          [
            [0, rejects.code, 'record'],
            [2, rejects.code, 'record'],
          ],
        ]);
        expect(results.map((r) => written(r, 3))).toEqual([2, 1]);
        for (const r of results.flatMap((x) => x.rejected)) expect(r.error.message).toMatch(/rec:\d/);
        expect(rows.map((r) => r.id)).toEqual([1, 3, 5]);
      },
    );

    itWhen('a batch written again (resumed page) leaves no duplicates', harness.rewrite, async (rewrite) => {
      const target = await harness.target([]);
      const ctx = context();
      const op: Operation = rewrite.by === 'upsert' ? 'upsert' : first;
      const writer = await target.open(op, ctx);
      const bad = 'skip' in harness.rejects ? undefined : harness.rejects;
      const batch = records([{ id: 1, name: 'a' }, bad ? bad.record(2) : { id: 2, name: 'b' }, { id: 3, name: 'c' }]);
      const key = { key: `conformance|run ${Math.random().toString(36).slice(2)} page 1#1|0+3` };
      const once = await writer.write(batch, ctx, key);
      const again = await writer.write(batch, ctx, key);
      expect(rejections(again)).toEqual(rejections(once));
      if (rewrite.by === 'pageMarkers') {
        expect(again).toMatchObject({ written: 0, alreadyWritten: written(once, 3) });
        for (const r of again.rejected) expect(r.error.message).toMatch(/before a crash/);
        // the same key with other records is another batch; a write without a key is written as ever
        expect(written(await writer.write(records([{ id: 4, name: 'd' }], 4), ctx, key), 1)).toBe(1);
        expect(written(await writer.write(records([{ id: 5, name: 'e' }], 5), ctx), 1)).toBe(1);
      }
      await writer.close(ctx);
      const ids = (await target.rows()).map((r) => r.id);
      expect(ids).toEqual([...new Set(ids)]);
      expect(ids.slice(0, bad ? 2 : 3)).toEqual(bad ? [1, 3] : [1, 2, 3]);
    });

    itWhen(
      'a transient failure throws a FlowError of kind transient, commits nothing, and the batch succeeds when retried',
      harness.transient,
      async (transient) => {
        const target = await harness.target(seed);
        const ctx = context();
        const op: Operation = 'skip' in ops.upsert ? first : 'upsert';
        const writer = await target.open(op, ctx);
        const batch = records([
          { id: 3, name: 'c' },
          { id: 4, name: 'd' },
        ]);
        const error = await transient.fail(target, writer, batch, ctx);
        expect(error).toBeInstanceOf(FlowError);
        expect(error).toMatchObject({ code: transient.code, kind: 'transient' });
        expect(await target.rows()).toEqual(seed);
        const retried = await writer.write(batch, ctx);
        expect([written(retried, 2), retried.rejected]).toEqual([2, []]);
        await writer.close(ctx);
        expect(await target.rows()).toEqual([...seed, { id: 3, name: 'c' }, { id: 4, name: 'd' }]);
      },
    );

    itWhen(
      'a batch refused as a whole throws a permanent FlowError (not transient) and writes none of it',
      harness.permanent,
      async (permanent) => {
        const target = await harness.target('skip' in ops.upsert ? [] : seed);
        const before = await target.rows();
        const ctx = context();
        const writer = await target.open(first, ctx);
        const error = await writer.write(records(permanent.records), ctx).catch((e: unknown) => e);
        expect(error).toBeInstanceOf(FlowError);
        expect(error).toMatchObject({ code: permanent.code });
        expect((error as FlowError).kind).not.toBe('transient');
        await (writer.abort ?? writer.close).call(writer, ctx);
        expect(await target.rows()).toEqual(before);
      },
    );

    itWhen('ids: the id of every written record, in input order', harness.ids, async (ids) => {
      const data: JsonObject[] = [
        { id: 7, name: 'g' },
        { id: 5, name: 'e' },
        { id: 6, name: 'f' },
      ];
      const { results } = await writeAndRead(await harness.target([]), first, [records(data)]);
      expect(results[0]?.ids).toEqual(data.map((d) => ids.of(d)));
    });
  });
}
