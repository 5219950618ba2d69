import { describe, expect, it } from 'vitest';
import { type MemoryWorld, memoryConnector, memoryWorld } from '../../test/helpers/memory-connector.js';
import type { DeltaSettings, ProjectDefinition } from '../config/definition.js';
import type { JsonObject } from '../sdk/index.js';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { cursorCodec } from './delta-cursor.js';
import { planDelta, WATERMARK_SOURCE } from './delta-sync.js';
import { createEngine } from './engine.js';

const minutes = (m: number) => new Date(Date.UTC(2026, 2, 1, 10, m)).toISOString();

function project(delta: DeltaSettings): ProjectDefinition {
  return {
    file: '/tmp/delta.yaml',
    baseDir: '/tmp',
    connections: { mem: { name: 'mem', type: 'memory', config: {}, where: 'delta.yaml:1:1' } },
    flows: {
      f: {
        name: 'f',
        where: 'delta.yaml:2:1',
        source: { connection: 'mem', type: 'memory.rows', config: { pageSize: 4 }, delta, where: 'delta.yaml:3:1' },
        steps: [],
        destinations: [
          {
            name: 'out',
            connection: 'mem',
            type: 'memory.table',
            config: { table: 't' },
            batch: { size: 10 },
            where: 'delta.yaml:4:1',
          },
        ],
      },
    },
  };
}

async function setup(world: MemoryWorld, wrap: (store: StateStore) => StateStore = (x) => x) {
  const store = await openStore(':memory:');
  const engine = createEngine({
    connectors: [memoryConnector(world)],
    steps: [],
    store: wrap(store),
    retry: { maxAttempts: 1, baseMs: 1, maxMs: 1 },
  });
  return { store, engine };
}

const written = (world: MemoryWorld) => world.writes;
const watermark = async (store: StateStore) =>
  ((await store.getWatermark('f', WATERMARK_SOURCE)) as { since: { value: unknown } | null } | undefined)?.since?.value;

describe('delta sync', () => {
  it('reads everything first, then only what changed after the highest cursor handled', async () => {
    const rows: JsonObject[] = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, updated_at: minutes(i) }));
    const world = memoryWorld(rows);
    const { store, engine } = await setup(world);
    const first = await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(first.status).toBe('succeeded');
    expect(first.counts.destinations.out?.out).toBe(10);
    expect(first.counts.delta).toMatchObject({ full: true, reason: 'first run: full sync' });
    expect(await watermark(store)).toBe(minutes(9));

    // two rows change, one is new; the watermark is the highest cursor, not the clock
    (rows[2] as JsonObject).updated_at = minutes(20);
    (rows[5] as JsonObject).updated_at = minutes(21);
    rows.push({ id: 11, updated_at: minutes(15) });
    const before = written(world);
    const second = await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(second.counts.delta).toMatchObject({ full: false, since: minutes(9) });
    expect(second.counts.destinations.out?.in).toBe(3);
    expect(second.counts.skipped).toBe(8);
    expect(written(world)).toBeGreaterThan(before);
    expect(await watermark(store)).toBe(minutes(21));

    // nothing changed: nothing delivered, the watermark stays
    const third = await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(third.counts.destinations.out?.in).toBe(0);
    expect(await watermark(store)).toBe(minutes(21));
    await store.close();
  });

  it('re-reads the overlap window, and --full reads everything', async () => {
    const rows: JsonObject[] = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, updated_at: minutes(i) }));
    const world = memoryWorld(rows);
    const { store, engine } = await setup(world);
    await engine.run(project({ field: 'updated_at', overlap: '3m' }), 'f', { trigger: 'cli' });
    const again = await engine.run(project({ field: 'updated_at', overlap: '3m' }), 'f', { trigger: 'cli' });
    // minutes 6..9 are within 3 minutes of the watermark (minute 9)
    expect(again.counts.delta?.since).toBe(minutes(6));
    expect(again.counts.destinations.out?.in).toBe(4);
    const full = await engine.run(project({ field: 'updated_at', overlap: '3m' }), 'f', { trigger: 'cli', full: true });
    expect(full.counts.delta).toMatchObject({ full: true, reason: 'full sync (--full)' });
    expect(full.counts.destinations.out?.in).toBe(10);
    await store.close();
  });

  it('starts the first run at `since`, and a due fullSync reads everything again', async () => {
    const rows: JsonObject[] = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, updated_at: minutes(i) }));
    const world = memoryWorld(rows);
    const { store, engine } = await setup(world);
    const settings: DeltaSettings = { field: 'updated_at', since: minutes(5), fullSync: '0 3 * * *' };
    const first = await engine.run(project(settings), 'f', { trigger: 'cli' });
    expect(first.counts.delta?.reason).toBe(`first run: from ${minutes(5)}`);
    expect(first.counts.destinations.out?.in).toBe(5);
    const state = (await store.getWatermark('f', WATERMARK_SOURCE)) as JsonObject;
    // the last full sync was two days ago: a 03:00 tick has passed since
    await store.setWatermark('f', WATERMARK_SOURCE, { ...state, fullSyncAt: '2020-01-01T00:00:00.000Z' }, new Date());
    const due = await engine.run(project(settings), 'f', { trigger: 'cli' });
    expect(due.counts.delta).toMatchObject({ full: true, reason: 'full sync (fullSync "0 3 * * *")' });
    expect(due.counts.destinations.out?.in).toBe(5); // still from `since`
    const after = await engine.run(project(settings), 'f', { trigger: 'cli' });
    expect(after.counts.delta?.full).toBe(false);
    await store.close();
  });

  it('normalises cursor values from the declared time zone and asks the source in its own format', async () => {
    const rows: JsonObject[] = [
      { id: 1, changed: '2026-03-29 01:30:00' }, // CET (+01:00)
      { id: 2, changed: '2026-03-29 03:30:00' }, // CEST (+02:00), after the switch
    ];
    const world = memoryWorld(rows);
    const { store, engine } = await setup(world);
    const settings: DeltaSettings = { field: 'changed', timezone: 'Europe/Berlin', overlap: '2h' };
    await engine.run(project(settings), 'f', { trigger: 'cli' });
    expect(await watermark(store)).toBe('2026-03-29T01:30:00.000Z');
    const next = await engine.run(project(settings), 'f', { trigger: 'cli' });
    // two hours before 03:30 CEST is 00:30 CET: written like the source's values, in Berlin time
    expect(next.counts.delta?.since).toBe('2026-03-29 00:30:00');
    expect(next.counts.destinations.out?.in).toBe(2);
    await store.close();
  });

  it('sends records without a usable cursor to the error store, naming record and field', async () => {
    const rows: JsonObject[] = [
      { id: 1, updated_at: minutes(1) },
      { id: 2 },
      { id: 3, updated_at: 'last tuesday' },
      { id: 4, updated_at: minutes(2) },
    ];
    const world = memoryWorld(rows);
    const { store, engine } = await setup(world);
    const run = await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(run.status).toBe('completed_with_errors');
    expect(run.counts.destinations.out?.in).toBe(2);
    const errors = (await store.listErrors({ flow: 'f' })).sort((a, b) => a.recordId.localeCompare(b.recordId));
    expect(errors.map((e) => [e.recordId, e.stage, e.code])).toEqual([
      ['2', { kind: 'delta' }, 'DELTA_CURSOR_MISSING'],
      ['3', { kind: 'delta' }, 'DELTA_CURSOR_INVALID'],
    ]);
    expect(errors[1]?.message).toContain('"last tuesday" is not a timestamp in ISO 8601 form');
    expect(await watermark(store)).toBe(minutes(2));
    // onMissing: pass delivers them without moving the watermark
    rows.splice(2, 1);
    const passing = await engine.run(project({ field: 'updated_at', onMissing: 'pass' }), 'f', {
      trigger: 'cli',
      full: true,
    });
    expect(passing.counts.destinations.out?.in).toBe(3);
    await store.close();
  });

  it('a crash mid-run keeps the old watermark; the resumed run reads with the same since and then moves it', async () => {
    const rows: JsonObject[] = Array.from({ length: 10 }, (_, i) => ({ id: i + 1, updated_at: minutes(i) }));
    const world = memoryWorld(rows);
    let crash = false;
    const { store, engine } = await setup(world, (s) => ({
      ...s,
      async commitPage(commit) {
        if (crash && commit.checkpoint === 8) throw new Error('the process died before the commit');
        return s.commitPage(commit);
      },
    }));
    await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(await watermark(store)).toBe(minutes(9));
    for (const [i, r] of rows.entries()) r.updated_at = minutes(30 + i); // every row changes
    crash = true;
    const failed = await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(failed.status).toBe('failed');
    expect(await watermark(store)).toBe(minutes(9)); // only a completed run moves it
    crash = false;
    const resumed = await engine.run(project({ field: 'updated_at' }), 'f', { trigger: 'cli' });
    expect(resumed.status).toBe('succeeded');
    expect(resumed.counts.delta?.reason).toBe(`resumed delta from "${minutes(9)}"`);
    expect(resumed.counts.read).toBe(6); // from the checkpoint after row 4
    expect(await watermark(store)).toBe(minutes(39));
    expect([...(world.tables.get('t')?.values() ?? [])].every((r) => String(r.updated_at) >= minutes(30))).toBe(true);
    await store.close();
  });

  it('keeps the watermark of an unfinished run pending and resumes with the same since', () => {
    const settings: DeltaSettings = { field: 'updated_at' };
    const now = new Date('2026-03-02T00:00:00Z');
    const stored = {
      since: { value: minutes(5), raw: minutes(5) },
      high: { value: minutes(30), raw: minutes(30) },
      run: { since: minutes(5), full: false },
      fullSyncAt: null,
    };
    const resumed = planDelta('f', settings, stored, { resuming: true, full: false, now }, 'x');
    expect([resumed.since, resumed.full, resumed.reason]).toEqual([
      minutes(5),
      false,
      `resumed delta from "${minutes(5)}"`,
    ]);
    // the run's high mark carries on: a lower cursor does not lower it
    resumed.admit([{ data: { updated_at: minutes(10) }, meta: { id: 'a' } }]);
    expect(resumed.pending().high?.value).toBe(minutes(30));
    expect(resumed.completed(now).since?.value).toBe(minutes(30));
    // a fresh run (no checkpoint) starts from the completed watermark, not from the pending high mark
    const fresh = planDelta('f', settings, stored, { resuming: false, full: false, now }, 'x');
    expect(fresh.since).toBe(minutes(5));
  });

  it('refuses a bad format or zone before reading', () => {
    expect(() =>
      planDelta(
        'f',
        { field: 'x', format: 'yyyy-QQQQ-bogus[' },
        undefined,
        { resuming: false, full: false, now: new Date() },
        'flows.yaml:3:5',
      ),
    ).toThrow(/delta.format/);
    expect(cursorCodec({ timezone: 'Mars/Olympus' })).toBe('unknown time zone "Mars/Olympus"');
  });

  it('treats numbers as growing cursors and epoch values with format millis', () => {
    const numbers = cursorCodec({});
    const epoch = cursorCodec({ format: 'millis' });
    if (typeof numbers === 'string' || typeof epoch === 'string') throw new Error('codec');
    const n = numbers.read(42);
    expect(n).toMatchObject({ kind: 'number', n: 42 });
    if (typeof n !== 'string') expect(numbers.write(n, 2)).toBe(40);
    const t = epoch.read(Date.UTC(2026, 0, 1));
    expect(t).toMatchObject({ kind: 'time' });
    if (typeof t !== 'string') expect(epoch.normal(t)).toBe('2026-01-01T00:00:00.000Z');
  });
});
