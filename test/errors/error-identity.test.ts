import { describe, expect, it } from 'vitest';
import { retryHarness } from './retry-harness.js';

/** Issue 11, item 10: an error record is identified by what failed, not only by its position. */
const h = retryHarness();

describe('a later failure at the same position', () => {
  const flow = `connections:
  files: { type: file, dir: . }
flows:
  daily:
    source: { connection: files, type: file.csv, path: export.csv, columns: { id: integer } }
    steps:
      - map: { id: { from: id }, email: { from: email, onMissing: error } }
    destinations:
      - { connection: files, type: file.jsonl, path: out.jsonl, mode: append }
`;

  it('is a new error record: the first bad row keeps its payload and stays retryable', async () => {
    const { engine, project } = await h.setup(flow, { 'export.csv': 'id,email\n1,a@example.com\n2,\n' });
    await engine.run(project, 'daily', { trigger: 'cli' });
    // the next day's export, rewritten under the same name: another bad row on the same line
    h.write('export.csv', 'id,email\n7,g@example.com\n8,\n');
    await engine.run(project, 'daily', { trigger: 'cli' });
    const open = await h.openErrors('daily');
    expect(open.map((e) => [e.recordId, e.payload.id, e.attempts]).sort()).toEqual([
      ['line:3', 2, 1],
      ['line:3', 8, 1],
    ]);
    // the same bad row failing again is the same record, one more attempt
    await engine.run(project, 'daily', { trigger: 'cli' });
    const again = await h.openErrors('daily');
    expect(again.map((e) => [e.payload.id, e.attempts]).sort()).toEqual([
      [2, 1],
      [8, 2],
    ]);
    const first = again.find((e) => e.payload.id === 2);
    if (!first) throw new Error('expected the first bad row');
    expect((await engine.retryError(project, first.id, { payload: { id: 2, email: 'b@example.com' } })).ok).toBe(true);
    expect(h.lines('out.jsonl').map((l) => (JSON.parse(l) as { id: number }).id)).toEqual([1, 7, 7, 2]);
  });
});
