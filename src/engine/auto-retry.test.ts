import { describe, expect, it } from 'vitest';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import { autoRetry } from '../../test/helpers/pipeline.js';
import { errorRecord, startRun } from '../../test/store/store-fixtures.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

const flow: FlowDefinition = {
  name: 'f',
  where: 'x',
  source: { connection: 'mem', type: 'memory.rows', config: {}, where: 'x' },
  steps: [],
  destinations: [
    { name: 'out', connection: 'mem', type: 'memory.table', config: { table: 't' }, batch: { size: 10 }, where: 'x' },
  ],
};
const project: ProjectDefinition = {
  file: '/tmp/a.yaml',
  baseDir: '/tmp',
  connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'x' } },
  flows: { f: flow },
};

describe('automatic retry of transient failures', () => {
  it('retries open transient records with attempts left, leaves data errors and spent records alone', async () => {
    const world = memoryWorld([]);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [], store });
    const run = await startRun(store, 'f');
    const base = { flow: 'f', stage: { kind: 'destination', name: 'out' } as const };
    const [timedOut, rejected, spent] = await store.addErrors([
      errorRecord(run, { ...base, recordId: '1', kind: 'transient', code: 'TIMEOUT', payload: { id: 1 }, attempts: 1 }),
      errorRecord(run, {
        ...base,
        recordId: '2',
        kind: 'record',
        code: 'RECORD_CONSTRAINT',
        payload: { id: 2 },
        attempts: 1,
      }),
      errorRecord(run, { ...base, recordId: '3', kind: 'transient', code: 'TIMEOUT', payload: { id: 3 }, attempts: 5 }),
    ]);
    const result = await autoRetry(engine, project, 'f', { maxAttempts: 5 });
    expect(result).toEqual({ tried: 1, delivered: 1 });
    expect([...(world.tables.get('t')?.keys() ?? [])]).toEqual(['1']);
    expect((await store.getError(timedOut as number))?.status).toBe('retried');
    expect((await store.getError(rejected as number))?.status).toBe('open');
    expect((await store.getError(spent as number))?.status).toBe('open');
    expect(await autoRetry(engine, project, 'f', { maxAttempts: 5 })).toEqual({ tried: 0, delivered: 0 });
    await store.close();
  });
});
