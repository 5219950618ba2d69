import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FlowDefinition, ProjectDefinition, SyncDefinition } from '../config/definition.js';
import { createRunEvents, type RunOptions } from '../engine/index.js';
import { createInProcessQueue } from '../queue/index.js';
import { FlowError, ManualClock, silentLogger } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { RunRow, RunStatus, StateStore } from '../store/state-store.js';
import { createRunService, type RunService } from './runs.js';

function project(flows: Record<string, Partial<FlowDefinition>>): ProjectDefinition {
  const defs = Object.fromEntries(
    Object.entries(flows).map(([name, f]) => [name, { name, where: 'x', ...f } as FlowDefinition]),
  );
  return { file: '/tmp/r.yaml', baseDir: '/tmp', connections: {}, flows: defs };
}

/** An engine `run` whose runs end when the test says so (or at once, with `auto`). */
function fakeEngine(auto: boolean, status: (flow: string) => RunStatus = () => 'succeeded') {
  const events = createRunEvents(silentLogger);
  const calls: { flow: string; options: RunOptions }[] = [];
  const releases: (() => void)[] = [];
  let id = 0;
  const run = (_p: ProjectDefinition, flow: string, options: RunOptions) => {
    calls.push({ flow, options });
    id += 1;
    const row = { id, flow, trigger: options.trigger, status: status(flow), counts: { read: 0 } } as RunRow;
    events.publish({
      type: 'run.started',
      flow,
      at: new Date(0),
      runId: id,
      trigger: String(options.trigger),
      flowFile: null,
      resumedFrom: null,
      ...(options.requestId === undefined ? {} : { requestId: options.requestId }),
    });
    if (auto) return Promise.resolve(row);
    return new Promise<RunRow>((resolve) => {
      const end = (s: RunStatus) => resolve({ ...row, status: s });
      releases.push(() => end(row.status));
      options.signal?.addEventListener('abort', () => end('canceled'), { once: true });
    });
  };
  return { calls, releases, run, events };
}

describe('runs service', () => {
  let store: StateStore;
  let service: RunService | undefined;
  afterEach(async () => {
    await service?.stop();
    await store?.close();
  });
  const make = async (p: ProjectDefinition, engine: ReturnType<typeof fakeEngine>) => {
    store = await openStore(':memory:');
    service = createRunService({
      queue: createInProcessQueue(),
      project: p,
      store,
      clock: new ManualClock(),
      log: silentLogger,
      host: 'h',
      pid: 1,
      events: engine.events,
      run: engine.run,
    });
    service.start();
    return service;
  };

  it.each([
    ['skip', 'skipped', 1, 1],
    ['queue', 'queued', 2, 0],
  ] as const)('overlap %s: a start while the flow runs is %s', async (overlap, outcome, runs, skippedRows) => {
    const engine = fakeEngine(false);
    const s = await make(project({ f: { overlap } }), engine);
    expect((await s.request({ flow: 'f', trigger: 'manual' })).outcome).toBe('started');
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    expect((await s.request({ flow: 'f', trigger: 'manual' })).outcome).toBe(outcome);
    expect((await s.request({ flow: 'f', trigger: 'schedule' })).outcome).toBe(outcome); // folded into the queued one
    engine.releases[0]?.();
    await vi.waitFor(() => expect(engine.calls).toHaveLength(runs));
    engine.releases[1]?.();
    await vi.waitFor(async () => expect(await s.pending()).toEqual([]));
    const rows = await store.listRuns({ flow: 'f' });
    expect(rows.filter((r) => r.status === 'skipped')).toHaveLength(skippedRows * 2);
    if (skippedRows)
      expect(rows[0]?.error).toMatchObject({ code: 'RUN_SKIPPED', message: 'run 1 of the flow was still running' });
  });

  it("a sync's start goes by its name and its own overlap: queue (no flow of that name)", async () => {
    const engine = fakeEngine(false);
    const p: ProjectDefinition = {
      ...project({}),
      syncs: { customers: { name: 'customers', where: 'x', overlap: 'queue' } as SyncDefinition },
    };
    const s = await make(p, engine);
    expect((await s.request({ flow: 'customers', trigger: 'schedule' })).outcome).toBe('started');
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    expect((await s.request({ flow: 'customers', trigger: 'schedule' })).outcome).toBe('queued');
    engine.releases[0]?.();
    await vi.waitFor(() => expect(engine.calls.map((c) => c.flow)).toEqual(['customers', 'customers']));
    engine.releases[1]?.();
    await vi.waitFor(async () => expect(await s.pending()).toEqual([]));
  });

  it('a completed run requests its next: stages; wait gives the pipeline depth first, a failed stage holds back only its own', async () => {
    const engine = fakeEngine(true, (flow) => (flow === 'c' ? 'failed' : 'succeeded'));
    const p = project({ a: { next: ['b', 'c'] }, b: { next: ['d'] }, c: { next: ['e'] }, d: {}, e: {} });
    const s = await make(p, engine);
    const chain = await s.requestAndWait({ flow: 'a', trigger: 'cli', full: true, errorThreshold: { maxErrors: 7 } });
    expect(chain.map((r) => `${r.flow}/${r.trigger}/${r.status}`)).toEqual([
      'a/cli/succeeded',
      'b/flow:a/succeeded',
      'd/flow:b/succeeded',
      'c/flow:a/failed',
    ]);
    const head = engine.calls.find((c) => c.flow === 'a')?.options;
    const stage = engine.calls.find((c) => c.flow === 'b')?.options;
    expect(head).toMatchObject({ full: true, errorThreshold: { maxErrors: 7 } });
    expect(stage?.full).toBeUndefined(); // what to read applies to the first flow only
    expect(stage?.errorThreshold).toEqual({ maxErrors: 7 });
  });

  it('publishes run.requested for every request, with what the queue did and the request id its run gives back', async () => {
    const engine = fakeEngine(false);
    const seen: unknown[] = [];
    engine.events.subscribe((e) => {
      if (e.type === 'run.requested')
        seen.push({ flow: e.flow, trigger: e.trigger, outcome: e.outcome, id: e.requestId });
    });
    const s = await make(project({ f: { overlap: 'skip' } }), engine);
    const first = await s.request({ flow: 'f', trigger: 'manual' });
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    const second = await s.request({ flow: 'f', trigger: 'manual' });
    expect(second.outcome).toBe('skipped');
    expect(seen).toEqual([
      { flow: 'f', trigger: 'manual', outcome: 'accepted', id: first.outcome === 'skipped' ? undefined : first.id },
      { flow: 'f', trigger: 'manual', outcome: 'skipped', id: undefined },
    ]);
    engine.releases.shift()?.();
  });

  it("a request's run is known by its run.started event: pending() shows its run id, a stage's run names its request", async () => {
    const engine = fakeEngine(false);
    const s = await make(project({ a: { next: ['b'] }, b: {} }), engine);
    const requested = await s.request({ flow: 'a', trigger: 'cli' });
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    expect(requested.outcome).toBe('started');
    const id = requested.outcome === 'skipped' ? '' : requested.id;
    expect(engine.calls[0]?.options.requestId).toBe(id);
    expect(await s.pending()).toEqual([expect.objectContaining({ id, runId: 1 })]);
    // the request names its project's flow file, for a worker that must load it
    expect((await s.pending())[0]?.request.file).toBe('/tmp/r.yaml');
    engine.releases.shift()?.();
    await vi.waitFor(() => expect(engine.calls).toHaveLength(2));
    expect(engine.calls[1]?.options.requestId).not.toBe(id);
    expect((await s.pending())[0]).toMatchObject({ request: { flow: 'b', parent: id }, runId: 2 });
    engine.releases.shift()?.();
    expect((await s.wait(id)).map((r) => r.flow)).toEqual(['a', 'b']);
  });

  it('what kept a run from starting reaches the waiter; a manual start refused by the engine is recorded as skipped', async () => {
    const engine = fakeEngine(true);
    const refusing = {
      ...engine,
      run: () => Promise.reject(new FlowError('RUN_ALREADY_ACTIVE', 'run 9 of flow f is still active')),
    };
    const s = await make(project({ f: {} }), refusing);
    await expect(s.requestAndWait({ flow: 'f', trigger: 'cli' })).rejects.toThrow('run 9 of flow f is still active');
    const requested = await s.request({ flow: 'f', trigger: 'manual' });
    expect(requested.outcome).toBe('started');
    await vi.waitFor(async () => expect(await store.listRuns({ flow: 'f', status: 'skipped' })).toHaveLength(1));
    expect((await store.listRuns({ flow: 'f' }))[0]).toMatchObject({
      trigger: 'manual',
      error: { code: 'RUN_SKIPPED' },
    });
  });

  it('cancel: a queued request is dropped (its waiter gets no run), a running one ends canceled', async () => {
    const engine = fakeEngine(false);
    const s = await make(project({ f: { overlap: 'queue' } }), engine);
    const first = await s.request({ flow: 'f', trigger: 'cli' });
    const second = await s.request({ flow: 'f', trigger: 'cli' });
    if (first.outcome === 'skipped' || second.outcome === 'skipped') throw new Error('not requested');
    expect(second.outcome).toBe('queued');
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    expect((await s.pending()).map((p) => [p.state, p.runId])).toEqual([
      ['running', 1],
      ['waiting', undefined],
    ]);
    expect(await s.cancel(second.id)).toBe('dropped');
    expect(await s.wait(second.id)).toEqual([]);
    expect(await s.cancel(first.id)).toBe('canceling');
    expect((await s.wait(first.id)).map((r) => r.status)).toEqual(['canceled']);
    expect(engine.calls).toHaveLength(1);
  });

  it("aborting the request's signal cancels it and the stages it would lead to", async () => {
    const engine = fakeEngine(false);
    const s = await make(project({ a: { next: ['b'] }, b: {} }), engine);
    const abort = new AbortController();
    const waiting = s.requestAndWait({ flow: 'a', trigger: 'cli' }, { signal: abort.signal });
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    abort.abort();
    expect((await waiting).map((r) => `${r.flow}/${r.status}`)).toEqual(['a/canceled']);
    expect(engine.calls.map((c) => c.flow)).toEqual(['a']);
  });

  it('stop cancels the running runs and waits for them; nothing is requested after it', async () => {
    const engine = fakeEngine(false);
    const s = await make(project({ f: {} }), engine);
    const waiting = s.requestAndWait({ flow: 'f', trigger: 'webhook' });
    await vi.waitFor(() => expect(engine.calls).toHaveLength(1));
    await s.stop();
    expect((await waiting).map((r) => r.status)).toEqual(['canceled']);
    await expect(s.request({ flow: 'f', trigger: 'manual' })).rejects.toThrow('the service is stopping');
    service = undefined;
  });

  it('reports the end of a request nobody waits for, and leaves it to the caller of requestAndWait', async () => {
    store = await openStore(':memory:');
    const logged: string[] = [];
    const log = { ...silentLogger, error: (_fields: object, message?: string) => logged.push(String(message)) };
    const events = createRunEvents(silentLogger);
    service = createRunService({
      queue: createInProcessQueue(),
      project: project({ f: {} }),
      store,
      clock: new ManualClock(),
      log,
      host: 'h',
      pid: 1,
      events,
      run: async () => {
        throw new FlowError('CONNECTION_FAILED', 'the source is down');
      },
    });
    service.start();
    // `syncline errors retry` waits for its stage runs and prints what became of them
    await expect(service.requestAndWait({ flow: 'f', trigger: 'retry' })).rejects.toThrow('the source is down');
    expect(logged).toEqual([]);
    // an auto-retry round does not wait: the service logs it
    await service.request({ flow: 'f', trigger: 'retry' });
    await vi.waitFor(() => expect(logged).toEqual(['run of flow f could not start']));
  });
});
