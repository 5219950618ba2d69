import { describe, expect, it } from 'vitest';
import type { Stage } from '../../src/sdk/index.js';
import type { ErrorFilter, RunRow, StateStore } from '../../src/store/index.js';
import { at, errorRecord, page, startRun } from './store-fixtures.js';

const out: Stage = { kind: 'destination', name: 'out' };
const map: Stage = { kind: 'step', name: 'map', index: 0 };
const source: Stage = { kind: 'source' };

/** The error-store part of the conformance suite (the dead-letter queue). */
export function describeErrorConformance(current: () => StateStore): void {
  describe('error records', () => {
    it('adds error records, returning their ids in order, and reads them back whole', async () => {
      const store = current();
      const run = await startRun(store, 'orders');
      expect(await store.addErrors([])).toEqual([]);
      const first = errorRecord(run, { recordId: 'line:2', raw: 'broken,"line', hint: null, field: null });
      const second = errorRecord(run, { recordId: 'line:3', attempts: 2 });
      const ids = await store.addErrors([first, second]);
      expect(ids).toHaveLength(2);
      expect(ids[1]).toBeGreaterThan(ids[0] as number);
      expect(await store.getError(ids[0] as number)).toEqual({
        ...first,
        // without a fingerprint of its own, a record is identified by its payload's hash
        fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
        id: ids[0],
        status: 'open',
        note: null,
        updatedAt: first.createdAt,
      });
      expect((await store.getError(ids[1] as number))?.recordId).toBe('line:3');
      expect(await store.getError(987654)).toBeUndefined();
    });

    it('adds more records than one INSERT carries', async () => {
      const store = current();
      const run = await startRun(store, 'bulk');
      const ids = await store.addErrors(
        Array.from({ length: 1234 }, (_, i) => errorRecord(run, { recordId: `r${i}` })),
      );
      expect(new Set(ids).size).toBe(1234);
      expect(await store.countErrors({ flow: 'bulk' })).toBe(1234);
      const last = await store.getError(ids[1233] as number);
      expect(last?.recordId).toBe('r1233');
    });

    describe('filters', () => {
      // Two flows, two runs, varied status/code/stage; created one second apart (e0 oldest).
      async function seed(store: StateStore): Promise<{ runs: RunRow[]; ids: number[] }> {
        const a = await startRun(store, 'a');
        const b = await startRun(store, 'b');
        const specs = [
          { run: a, code: 'RECORD_CONSTRAINT', stage: out },
          { run: a, code: 'RECORD_BAD_VALUE', stage: map },
          { run: b, code: 'RECORD_CONSTRAINT', stage: out },
          { run: a, code: 'RECORD_MALFORMED', stage: source },
          { run: b, code: 'RECORD_BAD_VALUE', stage: map },
        ];
        const ids: number[] = [];
        for (const [i, s] of specs.entries()) {
          const [id] = await store.addErrors([
            errorRecord(s.run, { code: s.code, stage: s.stage, recordId: `e${i}`, createdAt: at(i * 1000) }),
          ]);
          ids.push(id as number);
        }
        await store.updateError(ids[1] as number, { status: 'resolved', updatedAt: at(9000) });
        await store.updateError(ids[4] as number, { status: 'retried', updatedAt: at(9000) });
        return { runs: [a, b], ids };
      }

      const cases: { name: string; filter: (runs: RunRow[]) => ErrorFilter; expected: string[] }[] = [
        { name: 'no filter', filter: () => ({}), expected: ['e4', 'e3', 'e2', 'e1', 'e0'] },
        { name: 'flow', filter: () => ({ flow: 'a' }), expected: ['e3', 'e1', 'e0'] },
        { name: 'runId', filter: (r) => ({ runId: r[1]?.id as number }), expected: ['e4', 'e2'] },
        { name: 'status open', filter: () => ({ status: 'open' }), expected: ['e3', 'e2', 'e0'] },
        { name: 'status resolved', filter: () => ({ status: 'resolved' }), expected: ['e1'] },
        { name: 'code', filter: () => ({ code: 'RECORD_BAD_VALUE' }), expected: ['e4', 'e1'] },
        {
          name: 'stage',
          filter: () => ({ stage: { kind: 'destination', name: 'out' } as const }),
          expected: ['e2', 'e0'],
        },
        {
          name: 'flow + status + code',
          filter: () => ({ flow: 'a', status: 'open', code: 'RECORD_CONSTRAINT' }),
          expected: ['e0'],
        },
        { name: 'nothing matches', filter: () => ({ flow: 'b', stage: source }), expected: [] },
        { name: 'recordId', filter: () => ({ recordId: 'e3' }), expected: ['e3'] },
        { name: 'kind', filter: () => ({ kind: 'record' }), expected: ['e4', 'e3', 'e2', 'e1', 'e0'] },
        { name: 'kind transient', filter: () => ({ kind: 'transient' }), expected: [] },
        { name: 'since', filter: () => ({ since: at(2000) }), expected: ['e4', 'e3', 'e2'] },
        { name: 'until', filter: () => ({ until: at(2000) }), expected: ['e1', 'e0'] },
        {
          name: 'since + until + flow',
          filter: () => ({ flow: 'a', since: at(1000), until: at(4000) }),
          expected: ['e3', 'e1'],
        },
        { name: 'limit', filter: () => ({ limit: 2 }), expected: ['e4', 'e3'] },
        { name: 'limit + offset', filter: () => ({ limit: 2, offset: 2 }), expected: ['e2', 'e1'] },
        { name: 'offset alone', filter: () => ({ offset: 3 }), expected: ['e1', 'e0'] },
        { name: 'filter + limit + offset', filter: () => ({ flow: 'a', limit: 1, offset: 1 }), expected: ['e1'] },
      ];

      it.each(cases)('lists newest first and counts by $name', async ({ filter, expected }) => {
        const store = current();
        const { runs } = await seed(store);
        const f = filter(runs);
        expect((await store.listErrors(f)).map((e) => e.recordId)).toEqual(expected);
        const { limit: _l, offset: _o, ...unpaged } = f;
        expect(await store.countErrors(f)).toBe((await store.listErrors(unpaged)).length);
      });

      it('orders records created at the same time by id, newest first', async () => {
        const store = current();
        const run = await startRun(store, 'same');
        const ids = await store.addErrors([errorRecord(run), errorRecord(run), errorRecord(run)]);
        expect((await store.listErrors({ flow: 'same' })).map((e) => e.id)).toEqual([...ids].reverse());
      });
    });

    it("a page commit returns its error records' ids in order: new ones, and the open one a failure repeated", async () => {
      const store = current();
      const first = await startRun(store, 'ids');
      const { errorIds: none } = await store.commitPage(page(first, 1, null));
      expect(none).toEqual([]);
      const [open] = await store.addErrors([errorRecord(first, { flow: 'ids', recordId: 'r2', fingerprint: 'two' })]);
      const again = await startRun(store, 'ids2');
      const errors = ['r1', 'r2', 'r3'].map((recordId, i) =>
        errorRecord(again, { flow: 'ids', recordId, fingerprint: ['one', 'two', 'three'][i] as string }),
      );
      const { errorIds } = await store.commitPage({ ...page(again, 1, null), flow: 'ids', errors });
      expect(errorIds).toHaveLength(3);
      expect(errorIds[1]).toBe(open);
      const stored = await Promise.all(errorIds.map((id) => store.getError(id)));
      expect(stored.map((e) => e?.recordId)).toEqual(['r1', 'r2', 'r3']);
      expect(new Set(errorIds).size).toBe(3);
    });

    it('keeps the history of a record: failed, failed again, retry failed, retried, resolved', async () => {
      const store = current();
      const run = await startRun(store, 'orders');
      const [id] = await store.addErrors([errorRecord(run, { recordId: 'r1', createdAt: at(0) })]);
      const again = await startRun(store, 'orders2');
      await store.commitPage({
        ...page(again, 1, null),
        flow: 'orders',
        errors: [errorRecord(again, { flow: 'orders', recordId: 'r1', createdAt: at(1000), message: 'still bad' })],
      });
      await store.updateError(id as number, {
        attempts: 3,
        updatedAt: at(2000),
        history: { action: 'retry failed', message: '[RECORD_BAD_VALUE] nope' },
      });
      await store.updateError(id as number, {
        status: 'resolved',
        note: 'fixed upstream',
        updatedAt: at(3000),
        history: { action: 'resolved', message: 'fixed upstream' },
      });
      const history = await store.errorHistory(id as number);
      expect(history.map((h) => [h.action, h.at, h.runId])).toEqual([
        ['failed', at(0), run.id],
        ['failed again', at(1000), again.id],
        ['retry failed', at(2000), null],
        ['resolved', at(3000), null],
      ]);
      expect(history[1]?.message).toContain('still bad');
      expect(await store.errorHistory(999_999)).toEqual([]);
    });

    it('keeps every payload in the history: the first failure, a repeat that differed, an edited retry', async () => {
      const store = current();
      const run = await startRun(store, 'orders');
      const original = { id: 1, email: null, note: 'as read' };
      const [id] = await store.addErrors([
        errorRecord(run, { recordId: 'line:2', fingerprint: 'row-a', payload: original, createdAt: at(0) }),
      ]);
      const later = await startRun(store, 'orders2');
      // the same row (same fingerprint) failing again, once as stored and once reaching the stage changed
      for (const [n, payload] of [original, { ...original, note: 'mapped differently' }].entries())
        await store.commitPage({
          ...page(later, n + 1, null),
          flow: 'orders',
          errors: [
            errorRecord(later, {
              flow: 'orders',
              recordId: 'line:2',
              fingerprint: 'row-a',
              payload,
              createdAt: at(1000 + n),
            }),
          ],
        });
      const edited = { id: 1, email: 'a@example.com' };
      await store.updateError(id as number, {
        attempts: 4,
        payload: edited,
        updatedAt: at(2000),
        history: { action: 'retry failed', message: '[TRANSIENT_IO] 503' },
      });
      const row = await store.getError(id as number);
      expect([row?.attempts, row?.payload]).toEqual([4, edited]);
      expect((await store.errorHistory(id as number)).map((h) => [h.action, h.payload])).toEqual([
        ['failed', original],
        ['failed again', null],
        ['failed again', { ...original, note: 'mapped differently' }],
        ['retry failed', edited],
      ]);
      // a later failure of the same row never replaces the edited payload
      await store.commitPage({
        ...page(later, 3, null),
        flow: 'orders',
        errors: [
          errorRecord(later, {
            flow: 'orders',
            recordId: 'line:2',
            fingerprint: 'row-a',
            payload: original,
            createdAt: at(3000),
          }),
        ],
      });
      expect((await store.getError(id as number))?.payload).toEqual(edited);
      expect((await store.errorHistory(id as number)).at(-1)).toMatchObject({
        action: 'failed again',
        payload: original,
      });
    });

    it('purges retried and resolved records older than the retention, never open ones, with their history', async () => {
      const store = current();
      const run = await startRun(store, 'orders');
      const ids = await store.addErrors([
        errorRecord(run, { recordId: 'old-open', createdAt: at(0) }),
        errorRecord(run, { recordId: 'old-resolved', createdAt: at(0) }),
        errorRecord(run, { recordId: 'new-resolved', createdAt: at(0) }),
        errorRecord(run, { recordId: 'old-retried', createdAt: at(0) }),
      ]);
      await store.updateError(ids[1] as number, { status: 'resolved', updatedAt: at(1000) });
      await store.updateError(ids[2] as number, { status: 'resolved', updatedAt: at(9000) });
      await store.updateError(ids[3] as number, { status: 'retried', updatedAt: at(1000) });
      expect(await store.purgeErrors(at(5000))).toBe(2);
      expect((await store.listErrors({})).map((e) => e.recordId).sort()).toEqual(['new-resolved', 'old-open']);
      expect(await store.errorHistory(ids[1] as number)).toEqual([]);
    });

    it('updates only the patched fields of an error record', async () => {
      const store = current();
      const run = await startRun(store, 'orders');
      const [id] = await store.addErrors([errorRecord(run)]);
      const before = await store.getError(id as number);
      await store.updateError(id as number, { attempts: 2, updatedAt: at(5000) });
      expect(await store.getError(id as number)).toEqual({ ...before, attempts: 2, updatedAt: at(5000) });
      const patch = {
        status: 'retried' as const,
        note: 'fixed the email by hand',
        payload: { id: 1, email: 'a@b.c', nested: { list: [1, 'two'] } },
        code: 'RECORD_NOT_FOUND',
        message: 'no row with key 1',
        hint: null,
        updatedAt: at(6000),
      };
      await store.updateError(id as number, patch);
      expect(await store.getError(id as number)).toEqual({ ...before, ...patch, attempts: 2 });
      await store.updateError(id as number, { status: 'resolved', note: null, updatedAt: at(7000) });
      const last = await store.getError(id as number);
      expect([last?.status, last?.note, last?.message, last?.updatedAt]).toEqual([
        'resolved',
        null,
        'no row with key 1',
        at(7000),
      ]);
    });
  });
}
