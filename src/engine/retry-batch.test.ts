import { describe, expect, it } from 'vitest';
import { checkStep, memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import { autoRetry } from '../../test/helpers/pipeline.js';
import { errorRecord, startRun } from '../../test/store/store-fixtures.js';
import type { FlowDefinition, ProjectDefinition } from '../config/definition.js';
import { type JsonObject, stageText } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

/** Issue 12 item 4: `errors retry --all` and the automatic retry open a flow once per batch, not once per record. */
function project(rejectWhen?: string): ProjectDefinition {
  const flow: FlowDefinition = {
    name: 'f',
    where: 'x',
    source: { connection: 'mem', type: 'memory.rows', config: { pageSize: 100 }, where: 'x' },
    steps: [{ name: 'check', type: 'check', config: {}, where: 'x' }],
    destinations: [
      {
        name: 'out',
        connection: 'mem',
        type: 'memory.table',
        config: { table: 't', ...(rejectWhen ? { rejectWhen } : {}) },
        batch: { size: 10 },
        where: 'x',
      },
    ],
  };
  return {
    file: '/tmp/a.yaml',
    baseDir: '/tmp',
    connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'x' } },
    flows: { f: flow },
  };
}

async function failedRun() {
  // 6 records refused by the destination, 2 failed by the step: two stages
  const rows = Array.from(
    { length: 20 },
    (_, i): JsonObject => (i < 6 ? { id: i, forbidden: 1 } : i < 8 ? { id: i, bad: 'yes' } : { id: i }),
  );
  const world = memoryWorld(rows);
  const store = await openStore(':memory:');
  const engine = createEngine({ connectors: [memoryConnector(world)], steps: [checkStep], store });
  const run = await engine.run(project('forbidden'), 'f', { trigger: 'cli' });
  expect([run.status, run.counts.failed]).toEqual(['completed_with_errors', 8]);
  const errors = await store.listErrors({ flow: 'f', status: 'open' });
  return { world, store, engine, ids: errors.map((e) => e.id).reverse(), errors };
}

describe('retrying many error records', () => {
  it('opens the flow once per flow and stage, and reports every record in order', async () => {
    const { world, store, engine, ids, errors } = await failedRun();
    expect(new Set(errors.map((e) => stageText(e.stage)))).toEqual(new Set(['step:check', 'destination:out']));
    const opens = world.opens;
    // the destination accepts them now; the step still fails its two
    const results = await engine.retryErrors(project(), ids);
    expect(world.opens - opens).toBe(2);
    expect(results.map((r) => r.id)).toEqual(ids);
    const outcomes = results.map((r) => ('outcome' in r ? r.outcome.ok : r.refused.code));
    expect(outcomes.filter((ok) => ok === true)).toHaveLength(6);
    expect(outcomes.filter((ok) => ok === false)).toHaveLength(2);
    expect([...(world.tables.get('t')?.keys() ?? [])].sort()).toEqual(
      Array.from({ length: 20 }, (_, i) => String(i))
        .filter((id) => id !== '6' && id !== '7')
        .sort(),
    );
    expect(await store.countErrors({ flow: 'f', status: 'open' })).toBe(2);
    await store.close();
  });

  it('opens it once per record when retried one by one (what the batch saves)', async () => {
    const { world, store, engine, ids } = await failedRun();
    const opens = world.opens;
    for (const id of ids) await engine.retryError(project(), id);
    expect(world.opens - opens).toBe(ids.length);
    await store.close();
  });

  it('the automatic retry goes through the batch too: one open for a round', async () => {
    const world = memoryWorld([]);
    const store = await openStore(':memory:');
    const engine = createEngine({ connectors: [memoryConnector(world)], steps: [checkStep], store });
    const run = await startRun(store, 'f');
    await store.addErrors(
      Array.from({ length: 5 }, (_, i) =>
        errorRecord(run, {
          flow: 'f',
          stage: { kind: 'destination', name: 'out' },
          recordId: String(i),
          kind: 'transient',
          code: 'TIMEOUT',
          payload: { id: i },
        }),
      ),
    );
    expect(await autoRetry(engine, project(), 'f', { maxAttempts: 5 })).toEqual({ tried: 5, delivered: 5 });
    expect(world.opens).toBe(1);
    expect(world.tables.get('t')?.size).toBe(5);
    await store.close();
  });

  it('refuses the ids it cannot retry and goes on with the others', async () => {
    const { store, engine, ids } = await failedRun();
    const [first] = ids;
    await store.updateError(first as number, { status: 'resolved', updatedAt: new Date() });
    const results = await engine.retryErrors(project(), [...ids, 999]);
    expect(results[0]).toMatchObject({ id: first, refused: { code: 'ERROR_RECORD_RESOLVED' } });
    expect(results.at(-1)).toMatchObject({ id: 999, refused: { code: 'ERROR_RECORD_NOT_FOUND' } });
    expect(results.filter((r) => 'outcome' in r)).toHaveLength(ids.length - 1);
    await store.close();
  });
});
