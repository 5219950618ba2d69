import { describe, expect, it } from 'vitest';
import { builtinCatalog, builtinConnectors, builtinSteps } from '../../src/cli/builtins.js';
import { parseProject } from '../../src/config/index.js';
import { createEngine } from '../../src/engine/index.js';
import { startHttpServer } from '../../src/observe/test-helpers.js';
import { sensitiveForms } from '../../src/sdk/index.js';
import { openStore } from '../../src/store/index.js';

/** Issue 11 item 12, in process: what the engine writes to the store about a run never holds a secret. */
describe('secrets in the store', () => {
  it('masks a header secret and a URL-encoded query secret an API echoes in the run error it stores', async () => {
    const header = 'hdr-T0ken"x';
    const query = 'q/s3cret+&=';
    const api = await startHttpServer();
    api.respond = (req, res) => {
      const key = String(req.headers['x-api-key'] ?? '');
      res
        .writeHead(req.url.startsWith('/hooks/syncline/list') ? 403 : 422, { 'content-type': 'application/json' })
        .end(JSON.stringify({ url: req.url, key, b64: Buffer.from(key).toString('base64') }));
    };
    const store = await openStore(':memory:');
    try {
      const yaml = `connections:
  api:
    type: http
    baseUrl: ${api.url}
    headers: { X-Api-Key: "\${secret:HEADER}" }
  sink: { type: http, baseUrl: ${api.url}, headers: { X-Api-Key: "\${secret:HEADER}" } }
flows:
  pull:
    source: { connection: api, type: http.request, path: /list, query: { key: "\${secret:QUERY}" } }
    destinations:
      - { connection: sink, type: http.request, path: /items, query: { key: "\${secret:QUERY}" } }
`;
      const project = parseProject(yaml, '/tmp/flow.yaml', builtinCatalog, {
        env: { SYNCLINE_SECRET_HEADER: header, SYNCLINE_SECRET_QUERY: query },
      });
      const engine = createEngine({ connectors: builtinConnectors, steps: builtinSteps, store });
      const run = await engine.run(project, 'pull', { trigger: 'cli' });
      expect(run.status).toBe('failed');
      expect(api.requests.map((r) => r.url).join(' ')).toContain(encodeURIComponent(query));
      const stored = JSON.stringify([run, await store.listRuns({ flow: 'pull' })]);
      expect(stored).toContain('HTTP_AUTH');
      expect(stored).toContain('***');
      for (const form of [...sensitiveForms(header), ...sensitiveForms(query)]) expect(stored).not.toContain(form);
      await engine.close();
    } finally {
      await store.close();
      await api.close();
    }
  });
});
