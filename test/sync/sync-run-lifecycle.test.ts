import { afterEach, describe, expect, it } from 'vitest';
import type { RunEvent } from '../../src/engine/run-event.js';
import { type Connector, FlowError } from '../../src/sdk/index.js';
import { addContact, recordingConnector, SYNC, type SyncWorld, syncWorld, type WriteCall } from './sync-fixture.js';

let world: SyncWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

function seed(w: SyncWorld, n: number) {
  const insert = w.crm.prepare('INSERT INTO contacts (email, name, phone, updated_at) VALUES (?, ?, ?, ?)');
  for (let i = 0; i < n; i++) insert.run(`p${i}@x.org`, `P${i}`, String(i), '2025-12-31T00:00:00.000Z');
}

describe('sync run lifecycle', () => {
  it('is a run like any other: runs row with the sync counters, run events with progress per side', async () => {
    world = await syncWorld();
    seed(world, 5);
    const events: RunEvent[] = [];
    world.engine.events.subscribe((e) => {
      events.push(e);
    });
    const run = await world.run();
    expect(run.flow).toBe(SYNC);
    const stored = await world.store.getRun(run.id);
    expect(stored?.counts).toMatchObject({
      read: 5,
      written: 5,
      failed: 0,
      sync: { a: { read: 5 }, b: { created: 5 } },
    });
    const types = events.filter((e) => 'runId' in e && e.runId === run.id).map((e) => e.type);
    expect(types[0]).toBe('run.started');
    expect(types.at(-1)).toBe('run.ended');
    expect(types.filter((t) => t === 'run.progress').length).toBeGreaterThan(3);
  });

  it('never overlaps itself (the lease of the sync’s name), and a canceled run stops between batches, consistent', async () => {
    world = await syncWorld();
    seed(world, 6);
    const held = await world.store.claimLease(SYNC, 'other-host:1:x', new Date(world.clock.now().getTime() + 60_000), {
      at: world.clock.now(),
    });
    await expect(world.engine.run(world.project(), SYNC, { trigger: 'test' })).rejects.toMatchObject({
      code: 'RUN_ALREADY_ACTIVE',
    });
    await world.store.releaseLease(held, world.clock.now());
    const abort = new AbortController();
    let progress = 0;
    world.engine.events.subscribe((e) => {
      if (e.type === 'run.progress' && ++progress === 5) abort.abort();
    });
    const canceled = await world.run(undefined, { signal: abort.signal });
    expect(canceled.status).toBe('canceled');
    const partly = world.customers().length;
    expect(partly).toBeLessThan(6);
    // the next run goes on from there: each record created once
    const rest = await world.run();
    expect(rest.status).toBe('succeeded');
    expect(
      world
        .customers()
        .map((c) => c.mail)
        .sort(),
    ).toEqual([0, 1, 2, 3, 4, 5].map((i) => `p${i}@x.org`));
  });

  it('skips the reconcile pass after a run with errors', async () => {
    world = await syncWorld();
    seed(world, 2);
    addContact(world, 'z@x.org', 'Z', '9', 'not a time');
    const run = await world.run({ deletes: { policy: 'propagate', reconcile: true } });
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.sync?.reconciled).toBeUndefined();
  });

  it('honours timeouts.read on a side that stops answering, and timeouts.run', async () => {
    const hang = (base: Connector): Connector => ({
      ...base,
      sources: (base.sources ?? []).map((src) => ({
        ...src,
        read: (args, ctx) =>
          (args.config as { table: string }).table === 'customers'
            ? (async function* () {
                await new Promise(() => undefined);
                yield* src.read(args, ctx);
              })()
            : src.read(args, ctx),
      })),
    });
    world = await syncWorld({ connectors: hang });
    seed(world, 2);
    const stuck = world.engine.run(world.project({ timeouts: { read: '30s' } }), SYNC, { trigger: 'test' });
    const run = await world.clock.drive(stuck);
    expect(run.status).toBe('failed');
    expect(run.error).toMatchObject({ code: 'TIMEOUT' });
    expect(run.error?.message).toContain('side b');
    const from = world.clock.now().getTime();
    const long = world.engine.run(world.project({ timeouts: { run: '1m' } }), SYNC, { trigger: 'test' });
    const timedOut = await world.clock.drive(long);
    expect(timedOut.error).toMatchObject({ code: 'RUN_TIMEOUT' });
    expect(world.clock.now().getTime() - from).toBeLessThan(120_000); // not the read's 10 minutes
  });

  it('retries a whole batch that failed transiently under the retry policy, then goes on', async () => {
    const calls: WriteCall[] = [];
    let fail = 1;
    world = await syncWorld({
      connectors: recordingConnector(calls, async (call, write) => {
        if (call.operation === 'insert' && fail-- > 0)
          throw new FlowError('TIMEOUT', 'the server did not answer', { kind: 'transient' });
        return write();
      }),
    });
    seed(world, 2);
    const run = await world.clock.drive(
      world.engine.run(world.project({ retry: { maxAttempts: 3, base: '1s' } }), SYNC, { trigger: 'test' }),
    );
    expect(run.error).toBeNull();
    expect(run.status).toBe('succeeded');
    expect(calls.filter((c) => c.operation === 'insert')).toHaveLength(2);
    expect(world.customers()).toHaveLength(2);
  });
});
