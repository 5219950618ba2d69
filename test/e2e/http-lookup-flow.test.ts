import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createEngine } from '../../src/engine/index.js';
import { openStore } from '../../src/store/index.js';
import { useHttpTestServer } from '../emulators/http/http-fixture.js';
import { tempContext } from '../helpers/temp-context.js';

const t = useHttpTestServer();
const { dir } = tempContext('syncline-http-flow-');

describe('a flow with an http.lookup step', () => {
  it('enriches records through the named http connection, opened by the engine', async () => {
    writeFileSync(
      join(dir, 'leads.jsonl'),
      ['u1@x.com', 'u7@x.com', 'stranger@x.com'].map((email, i) => JSON.stringify({ id: i + 1, email })).join('\n'),
    );
    const yaml = `connections:
  files: { type: file, dir: . }
  crm: { type: http, baseUrl: ${t.server.url} }
flows:
  enrich:
    source: { connection: files, type: file.jsonl, path: leads.jsonl }
    steps:
      - http.lookup:
          connection: crm
          path: /contacts/{{email}}
          key: "{{email}}"
          recordsPath: data
          fields: { crm_id: id, owner: owner.name }
          onMissing: error
    destinations:
      - { connection: files, type: file.jsonl, path: enriched.jsonl }
`;
    const project = parseProject(yaml, join(dir, 'flow.yaml'), { connectors: builtinConnectors, steps: builtinSteps });
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
    const run = await engine.run(project, 'enrich', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    const out = readFileSync(join(dir, 'enriched.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(out).toEqual([
      { id: 1, email: 'u1@x.com', crm_id: 'c1', owner: 'owner 1' },
      { id: 2, email: 'u7@x.com', crm_id: 'c7', owner: 'owner 1' },
    ]);
    const [error] = await store.listErrors({ flow: 'enrich' });
    expect([error?.code, error?.stage, error?.payload]).toEqual([
      'RECORD_NOT_FOUND',
      { kind: 'step', name: 'http.lookup', index: 0 },
      { id: 3, email: 'stranger@x.com' },
    ]);
    await store.close();
  });
});
