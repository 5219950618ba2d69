import { describe, expect, it } from 'vitest';
import { retryHarness } from './retry-harness.js';

/** Issue 11, item 2: a retry adds its record to a file written in overwrite mode, never replacing the file. */
const h = retryHarness();

describe('retrying into a file written in overwrite mode', () => {
  const flow = (type: string, path: string) => `connections:
  files: { type: file, dir: . }
flows:
  export:
    source: { connection: files, type: file.csv, path: in.csv, columns: { id: integer } }
    steps:
      - map: { id: { from: id }, email: { from: email, onMissing: error } }
    destinations:
      - { connection: files, type: ${type}, path: ${path}, mode: overwrite }
`;
  const input = () => {
    const rows = ['id,email'];
    for (let i = 1; i <= 1000; i++) rows.push(i === 500 ? '500,' : `${i},u${i}@example.com`);
    return `${rows.join('\n')}\n`;
  };

  it.each([
    { type: 'file.jsonl', path: 'out.jsonl', count: () => h.lines('out.jsonl').length },
    { type: 'file.csv', path: 'out.csv', count: () => h.lines('out.csv').length - 1 },
    {
      type: 'file.json',
      path: 'out.json',
      count: () => (JSON.parse(h.read('out.json')) as unknown[]).length,
    },
  ])('$type: the retried record is added, the other 999 stay', async ({ type, path, count }) => {
    const { engine, project } = await h.setup(flow(type, path), { 'in.csv': input() });
    const run = await engine.run(project, 'export', { trigger: 'cli' });
    expect([run.status, run.counts.written]).toEqual(['completed_with_errors', 999]);
    expect(count()).toBe(999);
    const [err] = await h.openErrors('export');
    if (!err) throw new Error('expected an error record');
    const outcome = await engine.retryError(project, err.id, { payload: { id: 500, email: 'fixed@example.com' } });
    expect(outcome.ok).toBe(true);
    expect(count()).toBe(1000);
    expect(h.read(path)).toContain('fixed@example.com');
    if (type === 'file.csv') expect(h.lines('out.csv').filter((l) => l === 'id,email')).toHaveLength(1);
  });
});
