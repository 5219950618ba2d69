import { describe, expect, it } from 'vitest';
import { FlowErrors } from '../sdk/index.js';
import { fakeCatalog } from './fake-catalog.js';
import { parseProject } from './parse-project.js';

const FILE = '/work/flows/retry.yaml';
const yaml = (flowRetry: string, connRetry: string, destRetry: string) => `connections:
  files: { type: file, dir: . }
  erp: { type: sqlite, path: erp.db${connRetry} }
flows:
  orders:${flowRetry}
    source: { connection: files, type: file.csv, path: o.csv }
    destinations:
      - { connection: erp, type: sqlite.table, table: t, batch: { size: 100, parallel: true }${destRetry} }
`;

describe('retry: blocks in flow files', () => {
  it('are read at the flow, the connection and the destination', () => {
    const project = parseProject(
      yaml(
        '\n    retry: { maxAttempts: 5, backoff: exponential, base: 30s, max: 10m, jitter: true }',
        ', retry: { maxAttempts: 8 }',
        ', retry: { backoff: fixed, base: 500ms }',
      ),
      FILE,
      fakeCatalog,
    );
    const flow = project.flows.orders;
    expect(flow?.retry).toEqual({ maxAttempts: 5, backoff: 'exponential', base: '30s', max: '10m', jitter: true });
    expect(project.connections.erp?.retry).toEqual({ maxAttempts: 8 });
    expect(project.connections.erp?.config).not.toHaveProperty('retry');
    expect(flow?.destinations[0]?.retry).toEqual({ backoff: 'fixed', base: '500ms' });
    expect(flow?.destinations[0]?.batch).toEqual({ size: 100, parallel: true, maxParallel: 4 });
  });

  it('report bad values with file:line:col', () => {
    let caught: unknown;
    try {
      parseProject(
        yaml('\n    retry: { maxAttempts: 0, backof: fixed }', ', retry: { base: soon }', ''),
        FILE,
        fakeCatalog,
      );
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(FlowErrors);
    const lines = (caught as FlowErrors).errors.map((e) => `${e.where} ${e.code} ${e.message}`);
    expect(lines).toEqual([
      expect.stringMatching(/retry\.yaml:3:\d+ CONFIG_INVALID connections\.erp\.retry\.base: .*duration/),
      expect.stringMatching(/retry\.yaml:6:\d+ CONFIG_INVALID flows\.orders\.retry\.maxAttempts: Too small/),
      expect.stringMatching(/retry\.yaml:6:\d+ CONFIG_UNKNOWN_KEY unknown key "backof"/),
    ]);
  });
});
