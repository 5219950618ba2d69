import { describe, expect, it } from 'vitest';
import { runPipeline } from '../helpers/pipeline.js';
import { retryHarness } from './retry-harness.js';

/**
 * Issue 12, item 4: a bulk retry goes through the run's page pipeline, a batch at a time, and keeps
 * what a page commit keeps: the steps' state (a dedupe window's keys) and the records handed on to
 * the flows of `next:`.
 */
const h = retryHarness();

const flow = (min: number) => `connections:
  files: { type: file, dir: . }
flows:
  orders:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, total: number } }
    steps:
      - validate: { total: { required: true, type: number, min: ${min} } }
      - dedupe: { key: id, window: 7d }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl, mode: append }
    next: audit
  audit:
    source: { flow: orders }
    destinations:
      - { connection: files, type: file.jsonl, path: audit.jsonl, mode: append }
`;

describe('retrying many error records at once', () => {
  it('keeps their dedupe keys and hands them on, as a run does', async () => {
    const { engine } = await h.setup(flow(0), { 'in.csv': 'id,total\n1,10\n2,-5\n3,-7\n' });
    const runs = await runPipeline(engine, await h.load(), 'orders');
    expect(runs.map((r) => [r.flow, r.status])).toEqual([
      ['orders', 'completed_with_errors'],
      ['audit', 'succeeded'],
    ]);
    const ids = (await h.openErrors('orders')).map((e) => e.id).reverse();
    expect(ids).toHaveLength(2);

    // the rule was too strict: relaxed in the flow file, then every open record is retried
    h.write('flow.yaml', flow(-100));
    const relaxed = await h.load();
    const results = await engine.retryErrors(relaxed, ids);
    expect(results.map((r) => ('outcome' in r ? [r.outcome.ok, r.outcome.handedOn] : r.refused.code))).toEqual([
      [true, ['audit']],
      [true, ['audit']],
    ]);
    expect(h.lines('out.jsonl').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2, 3]);

    // handed on: the next stage delivers them when it runs
    const after = await runPipeline(engine, relaxed, 'audit');
    expect(after.map((r) => [r.flow, r.counts.written])).toEqual([['audit', 2]]);
    expect(h.lines('audit.jsonl').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 2, 3]);

    // step state kept: the same orders read again are repeats for the dedupe window
    h.write('in.csv', 'id,total\n2,-5\n3,-7\n');
    const again = await engine.run(relaxed, 'orders', { trigger: 'cli', fromStart: true });
    expect([again.status, again.counts.written, again.counts.skipped]).toEqual(['succeeded', 0, 2]);
  });
});
