import { describe, expect, it } from 'vitest';
import { autoRetry, runPipeline } from '../helpers/pipeline.js';
import { retryHarness } from './retry-harness.js';

/** Issue 11, item 1: a retried record of a pipeline stage is handed on to the stages after it, as in a run. */
const h = retryHarness();

describe('retrying an error record of a pipeline stage', () => {
  const pipeline = `connections:
  files: { type: file, dir: . }
flows:
  extract:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer, total: number } }
    next: check
  check:
    source: { flow: extract }
    steps:
      - validate: { total: { required: true, type: number, min: 0 } }
    next: load
  load:
    source: { flow: check }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl, mode: append }
`;

  it('hands the retried record on to the next stage, which delivers it when it runs', async () => {
    const { engine, project } = await h.setup(pipeline, { 'in.csv': 'id,total\n1,10\n2,-5\n3,30\n' });
    const runs = await runPipeline(engine, project, 'extract');
    expect(runs.map((r) => [r.flow, r.status])).toEqual([
      ['extract', 'succeeded'],
      ['check', 'completed_with_errors'],
      ['load', 'succeeded'],
    ]);
    expect(h.lines('out.jsonl')).toHaveLength(2);
    const [err] = await h.openErrors('check');
    if (!err) throw new Error('expected an error record');
    expect(err.stage).toEqual({ kind: 'step', name: 'validate', index: 0 });

    const outcome = await engine.retryError(project, err.id, { payload: { id: 2, total: 5 } });
    expect(outcome.ok).toBe(true);
    expect(outcome.handedOn).toEqual(['load']);
    expect(outcome.message).toContain('handed on to load');
    const after = await runPipeline(engine, project, 'load');
    expect(after.map((r) => [r.flow, r.status, r.counts.written])).toEqual([['load', 'succeeded', 1]]);
    expect(h.lines('out.jsonl').map((l) => JSON.parse(l))).toEqual([
      { id: 1, total: 10 },
      { id: 3, total: 30 },
      { id: 2, total: 5 },
    ]);
  });

  it('automatic retry runs the stages its delivered records were handed on to', async () => {
    const { engine, project, store } = await h.setup(pipeline, { 'in.csv': 'id,total\n1,10\n' });
    await runPipeline(engine, project, 'extract');
    const run = (await store.listRuns({ flow: 'check' }))[0];
    if (!run) throw new Error('expected a run of check');
    // a record of check that failed for a passing reason (an outage of a lookup, say)
    await store.addErrors([
      {
        flow: 'check',
        runId: run.id,
        recordId: 'line:9',
        stage: { kind: 'step', name: 'validate', index: 0 },
        code: 'TIMEOUT',
        kind: 'transient',
        message: 'timed out',
        hint: null,
        field: null,
        payload: { id: 9, total: 90 },
        raw: null,
        attempts: 1,
        createdAt: new Date(),
      },
    ]);
    expect(await autoRetry(engine, project, 'check', { maxAttempts: 5 })).toEqual({ tried: 1, delivered: 1 });
    expect(h.lines('out.jsonl').map((l) => JSON.parse(l))).toEqual([
      { id: 1, total: 10 },
      { id: 9, total: 90 },
    ]);
  });
});
