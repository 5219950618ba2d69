import { describe, expect, it } from 'vitest';
import { retryHarness } from './retry-harness.js';

/**
 * Issue 11, the class of item 1: a retry keeps what a page commit keeps. A dedupe step with a
 * window remembers the keys it let through with the page; a retried record's key must be kept too,
 * or the same record read again later passes the window a second time.
 */
const h = retryHarness();

const flow = `connections:
  files: { type: file, dir: . }
flows:
  orders:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, total: number } }
    steps:
      - validate: { total: { required: true, type: number, min: 0 } }
      - dedupe: { key: id, window: 7d }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl, mode: append }
`;

describe('retrying a record before a dedupe step with a window', () => {
  it('remembers its key, so the same record read again is a repeat', async () => {
    const { engine, project } = await h.setup(flow, { 'in.csv': 'id,total\n1,10\n2,-5\n' });
    await engine.run(project, 'orders', { trigger: 'cli' });
    const [err] = await h.openErrors('orders');
    if (!err) throw new Error('expected order 2 in the error store');
    expect((await engine.retryError(project, err.id, { payload: { id: 2, total: 5 } })).ok).toBe(true);
    // the shop sends order 2 again, corrected
    h.write('in.csv', 'id,total\n2,5\n');
    const again = await engine.run(project, 'orders', { trigger: 'cli', fromStart: true });
    expect([again.status, again.counts.written, again.counts.skipped]).toEqual(['succeeded', 0, 1]);
    expect(h.lines('out.jsonl').map((l) => JSON.parse(l))).toEqual([
      { id: 1, total: 10 },
      { id: 2, total: 5 },
    ]);
  });
});
