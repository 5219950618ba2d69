import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { idsCommand } from '../../src/cli/ids-command.js';
import { runSummary } from '../../src/cli/run-summary.js';
import { parseProject } from '../../src/config/index.js';
import { createEngine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/index.js';
import { useHttpTestServer } from '../emulators/http/http-fixture.js';
import { tempContext } from '../helpers/temp-context.js';

const t = useHttpTestServer();
const { dir } = tempContext('syncline-http-dest-flow-');

describe('a flow into a batch API that answers 200 with per-record results', () => {
  it('counts only the records the API wrote, keeps the refused ones as record errors and the returned ids', async () => {
    writeFileSync(
      join(dir, 'leads.jsonl'),
      [{ email: 'p1@x.com' }, { email: 'p2@x.com', bad: 1 }, { email: 'p3@x.com' }]
        .map((r, i) => JSON.stringify({ id: `L${i + 1}`, ...r }))
        .join('\n'),
    );
    const yaml = `connections:
  files: { type: file, dir: . }
  marketo: { type: http, baseUrl: ${t.server.url} }
flows:
  leads:
    source: { connection: files, type: file.jsonl, path: leads.jsonl }
    destinations:
      - connection: marketo
        type: http.request
        path: /marketo/leads.json
        mode: batch
        wrap: input
        results:
          path: result
          success: { path: status, in: [created, updated] }
          error: reasons[0].message
          code: reasons[0].code
          id: id
`;
    const project = parseProject(yaml, join(dir, 'flow.yaml'), { connectors: builtinConnectors, steps: builtinSteps });
    const dbFile = join(dir, 'state.db');
    const store = await openStore(dbFile);
    const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
    const run = await engine.run(project, 'leads', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect([run.counts.written, run.counts.failed]).toEqual([2, 1]);
    expect(run.counts.destinations.marketo).toMatchObject({ in: 3, out: 2, failed: 1, ids: 2 });
    const [error] = await store.listErrors({ flow: 'leads' });
    expect([error?.code, error?.kind, error?.payload]).toEqual([
      'HTTP_RECORD_REJECTED',
      'record',
      { id: 'L2', email: 'p2@x.com', bad: 1 },
    ]);
    expect(error?.message).toContain('1003 Invalid value for field bad');
    const ids = await store.listReturnedIds({ runId: run.id });
    expect(ids.map((r) => [r.destination, r.recordId, r.id])).toEqual([
      ['marketo', 'line:1', expect.stringMatching(/^\d+$/)],
      ['marketo', 'line:3', expect.stringMatching(/^\d+$/)],
    ]);
    expect((await store.listReturnedIds({ flow: 'leads', record: 'line:3' }))[0]?.id).toBe(ids[1]?.id);
    expect(runSummary(run)).toContain(
      `destination marketo: returned ids for 2 of 2 written records; list them: syncline ids ${run.id} --destination marketo`,
    );
    await store.close();

    // `syncline ids <run>` prints the pairs, and says when a run has none
    const printed: string[] = [];
    const write = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed.push(String(chunk));
      return true;
    });
    try {
      expect(await idsCommand(run.id, { db: dbFile, limit: 100 })).toBe(0);
      expect(await idsCommand(run.id, { db: dbFile, limit: 100, record: 'line:2' })).toBe(0);
    } finally {
      write.mockRestore();
    }
    const [table, none] = printed;
    expect(table?.split('\n')[0]).toMatch(/^page\s+destination\s+record\s+key\s+id$/);
    expect(table?.split('\n').slice(2, 4)).toEqual([
      expect.stringMatching(/^\s*1\s+marketo\s+line:1\s+\d+\s*$/),
      expect.stringMatching(/^\s*1\s+marketo\s+line:3\s+\d+\s*$/),
    ]);
    expect(none).toBe(`run ${run.id}: no returned ids match\n`);
  });
});
