import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { ProjectDefinition } from '../config/definition.js';
import { defineStep, type JsonObject, ManualClock } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import { createEngine } from './engine.js';

/** A step that holds the first page it gets until released: a run paused mid-page (SIGSTOP, a sleeping laptop). */
function gate() {
  let entered!: () => void;
  let release!: () => void;
  const state = {
    armed: true,
    entered: new Promise<void>((r) => {
      entered = r;
    }),
    released: new Promise<void>((r) => {
      release = r;
    }),
    release: () => release(),
  };
  const step = defineStep({
    type: 'gate',
    description: 'test step that pauses once',
    config: z.object({}).strict(),
    create: () => ({
      async process(records) {
        if (state.armed) {
          state.armed = false;
          entered();
          await state.released;
        }
        return { records: [...records], failed: [] };
      },
    }),
  });
  return { state, step };
}

function project(): ProjectDefinition {
  return {
    file: '/tmp/lease.yaml',
    baseDir: '/tmp',
    connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'lease.yaml:1:1' } },
    flows: {
      f: {
        name: 'f',
        where: 'lease.yaml:2:1',
        source: { connection: 'mem', type: 'memory.rows', config: { pageSize: 10 }, where: 'lease.yaml:3:1' },
        steps: [{ name: 'gate', type: 'gate', config: {}, where: 'lease.yaml:4:1' }],
        destinations: [
          {
            name: 'out',
            connection: 'mem',
            type: 'memory.table',
            config: { table: 't' },
            batch: { size: 10 },
            where: 'lease.yaml:5:1',
          },
        ],
      },
    },
  };
}

/** Two engines over one store, as two machines: A's first page pauses in the gate step. */
async function twoMachines() {
  const rows: JsonObject[] = Array.from({ length: 30 }, (_, i) => ({ id: i + 1 }));
  const world = memoryWorld(rows);
  let inserted = 0; // every record handed to the destination: what an `insert` would leave
  world.beforeWrite = (records) => {
    inserted += records.length;
  };
  const store = await openStore(':memory:');
  const clock = new ManualClock();
  const { state, step } = gate();
  const engine = (host: string) =>
    createEngine({ connectors: [memoryConnector(world)], steps: [step], store, clock, host });
  return { store, clock, state, a: engine('machine-a'), b: engine('machine-b'), inserted: () => inserted };
}

describe('run lease', () => {
  it('a paused run that lost its lease to another writes nothing more and fails with RUN_LEASE_LOST', async () => {
    const { store, clock, state, a, b, inserted } = await twoMachines();
    const runA = a.run(project(), 'f', { trigger: 'cli', heartbeatMs: 3_600_000 });
    await state.entered; // A holds page 1 and stops renewing
    clock.advance(61_000); // past the 60 s lease window
    const runB = await b.run(project(), 'f', { trigger: 'cli' });
    expect(runB.error).toBeNull();
    expect(runB.status).toBe('succeeded');
    expect(inserted()).toBe(30);
    state.release(); // A wakes up and tries to go on
    const endedA = await runA;
    expect(endedA.status).toBe('failed');
    expect(endedA.error?.code).toBe('RUN_LEASE_LOST');
    expect(endedA.error?.message).toContain(`run ${runB.id} took it over`);
    expect(inserted()).toBe(30); // not 40, 50 or 60
    const rowA = await store.getRun(endedA.id);
    expect(rowA?.status).toBe('failed');
    expect(rowA?.error?.code).toBe('INTERRUPTED');
    expect(rowA?.error?.message).toContain(`run ${runB.id} took over`);
    expect(await store.listPages(endedA.id)).toEqual([]);
    expect((await store.getRun(runB.id))?.status).toBe('succeeded');
    expect(await store.getCheckpoint('f')).toBeUndefined();
    await store.close();
  });

  it('a run that keeps renewing its lease keeps its flow, however long its page takes', async () => {
    const { store, clock, state, a, b, inserted } = await twoMachines();
    const runA = a.run(project(), 'f', { trigger: 'cli', heartbeatMs: 10_000 });
    await state.entered;
    for (let i = 0; i < 4; i++) {
      clock.advance(30_000);
      const due = clock.now().getTime() + 60_000;
      // the heartbeat (a timer on the injected clock) renews as the clock passes its times
      await expect.poll(async () => (await store.getLease('f'))?.expiresAt.getTime()).toBe(due);
    }
    await expect(b.run(project(), 'f', { trigger: 'cli' })).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    state.release();
    const endedA = await runA;
    expect(endedA.status).toBe('succeeded');
    expect(inserted()).toBe(30);
    const lease = await store.getLease('f');
    expect([lease?.owner, lease?.runId]).toEqual([null, endedA.id]);
    expect(lease?.expiresAt).toEqual(endedA.endedAt); // released at the end: the next run need not wait
    await store.close();
  });

  it('takes over at once the unexpired lease of a killed process on this host; never one that may be alive', async () => {
    const { store, clock, state, a } = await twoMachines();
    state.armed = false; // no pause in this one
    const dead = spawnSync(process.execPath, ['-e', '']).pid ?? 0;
    const hold = async (owner: string) => {
      const claimed = await store.claimLease('f', owner, new Date(clock.now().getTime() + 60_000), {
        at: clock.now(),
      });
      return store.startRun({
        lease: claimed,
        trigger: 'test',
        flowFile: null,
        host: 'x',
        pid: 1,
        startedAt: clock.now(),
      });
    };
    // alive, or not known dead: another host, a live pid on this host
    const other = await hold(`machine-b:${dead}:abc`);
    await expect(a.run(project(), 'f', { trigger: 'cli' })).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    await store.releaseLease(other.lease, clock.now());
    const alive = await hold(`machine-a:${process.ppid}:abc`);
    await expect(a.run(project(), 'f', { trigger: 'cli' })).rejects.toMatchObject({ code: 'RUN_ALREADY_ACTIVE' });
    await store.releaseLease(alive.lease, clock.now());
    // killed (-9): its pid is gone, its lease has 60 s to go
    const killed = await hold(`machine-a:${dead}:abc`);
    const run = await a.run(project(), 'f', { trigger: 'cli', heartbeatMs: 3_600_000 });
    expect(run.status).toBe('succeeded');
    expect(run.resumedFrom).toBe(killed.run.id);
    const old = await store.getRun(killed.run.id);
    expect([old?.status, old?.error?.code]).toEqual(['failed', 'INTERRUPTED']);
    expect(old?.error?.message).toContain(`is gone; run ${run.id} took over`);
    await expect(store.renewLease(killed.lease, clock.now())).rejects.toMatchObject({ code: 'RUN_LEASE_LOST' });
    await store.close();
  });
});
