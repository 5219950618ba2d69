import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../src/engine/index.js';
import { ManualClock } from '../../src/sdk/index.js';
import { builtinSteps } from '../../src/steps/index.js';
import { openStore } from '../../src/store/index.js';
import type { StateStore } from '../../src/store/state-store.js';
import { requireServerAt } from '../helpers/servers.js';
import { type Generator, roundEdits } from './convergence-edits.js';
import { checkRound, type ModelField, type Tables } from './convergence-model.js';
import { connection, prng, syncConnectors, syncDefinition, syncProject, testSeed } from './prove-fixture.js';
import { mysqlTable, mysqlUrl, pgUrl, postgresTable, type SideTable } from './side-tables.js';

/**
 * Issue 14, "Tests that must exist": 200 seeded rounds of random creates, updates (the same record on
 * both sides between two runs too) and soft deletes on both sides of a PostgreSQL ↔ MySQL pair, a sync
 * run after each round; after every run the invariants of convergence-model.ts hold, and a second run
 * right after it writes nothing (counters and the rows themselves). Replay a failure with SYNC_SEED.
 */

const ROUNDS = Number(process.env.SYNC_ROUNDS ?? 200);
const SKEW = 60_000;
const seed = testSeed();
const pgUp = await requireServerAt('PostgreSQL', pgUrl, 5432);
const myUp = await requireServerAt('MySQL', mysqlUrl, 3306);
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 7)}`;

const tiersToB: Record<string, string> = { gold: 'G', silver: 'S', bronze: 'B' };
const tiersToA: Record<string, string> = { G: 'gold', S: 'silver', B: 'bronze' };
const id = (v: string | number | null) => v;
const fields: ModelField[] = [
  { name: 'email', a: 'email', b: 'email_address', toB: id, toA: id, manual: false },
  { name: 'name', a: 'name', b: 'full_name', toB: id, toA: id, manual: false },
  {
    name: 'tier',
    a: 'tier',
    b: 'level',
    toB: (v) => (v === null ? null : (tiersToB[String(v)] ?? null)),
    toA: (v) => (v === null ? null : (tiersToA[String(v)] ?? null)),
    manual: false,
  },
  { name: 'qty', a: 'qty', b: 'qty', toB: id, toA: id, manual: false },
  { name: 'note', a: 'note', b: 'remark', toB: id, toA: id, manual: true },
];

describe.skipIf(!pgUp || !myUp)('sync convergence, PostgreSQL ↔ MySQL', () => {
  let dir: string;
  let store: StateStore;
  let crm: SideTable;
  let erp: SideTable;
  const clock = new ManualClock(Date.UTC(2026, 0, 1));
  let engine: Engine;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-convergence-'));
    store = await openStore(join(dir, 'state.db'));
    crm = await postgresTable({
      table: `conv_crm_${suffix}`,
      key: 'id',
      cursor: 'updated_at',
      deleted: 'deleted',
      columns: { email: 'text', name: 'text', tier: 'text', qty: 'int', note: 'text' },
    });
    erp = await mysqlTable({
      table: `conv_erp_${suffix}`,
      key: 'client_no',
      cursor: 'modified',
      deleted: 'is_deleted',
      columns: { email_address: 'text', full_name: 'text', level: 'text', qty: 'int', remark: 'text' },
    });
    await crm.create();
    await erp.create();
    engine = createEngine({ connectors: syncConnectors, steps: builtinSteps, store, clock });
  });

  afterAll(async () => {
    await crm?.drop();
    await erp?.drop();
    await crm?.close();
    await erp?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it(`converges over ${ROUNDS} random rounds (seed ${seed}; replay with SYNC_SEED=${seed})`, async () => {
    const def = syncDefinition({
      name: 'conv',
      a: {
        connection: 'crm',
        type: 'postgres',
        table: crm.shape.table,
        key: 'id',
        cursor: 'updated_at',
        deleted: { field: 'deleted' },
        stampCursor: true,
      },
      b: {
        connection: 'erp',
        type: 'mysql',
        table: erp.shape.table,
        key: 'client_no',
        cursor: 'modified',
        deleted: { field: 'is_deleted' },
        stampCursor: true,
      },
      fields: {
        email: { b: 'email_address' },
        name: { b: 'full_name' },
        tier: { b: 'level', toB: { values: tiersToB }, toA: { values: tiersToA } },
        qty: {},
        note: { b: 'remark', conflict: 'manual' },
      },
      match: ['email'],
      conflicts: { policy: 'newest', skewMs: SKEW },
      deletes: { policy: 'propagate' },
      batchSize: 50,
    });
    const project = syncProject(
      [connection('crm', 'postgres', { url: pgUrl }), connection('erp', 'mysql', { url: mysqlUrl })],
      [def],
    );
    const sync = store.sync;
    const snap = async (): Promise<Tables> => ({ a: await crm.snapshot(), b: await erp.snapshot() });
    const links = () => sync.listLinks({ sync: 'conv', limit: 1_000_000 });
    const open = () => sync.listConflicts({ sync: 'conv', status: 'open', limit: 1_000_000 });
    const gen: Generator = { rand: prng(seed), crm, erp, next: 0 };
    let before: Tables = { a: new Map(), b: new Map() };
    const start = clock.now().getTime();
    const t0 = performance.now();
    // what the rounds exercised, so a generator that stops reaching a case fails instead of passing quietly
    const seen = { created: 0, updated: 0, deleted: 0, matched: 0, decided: 0, opened: 0, resolved: 0, echoes: 0 };
    for (let round = 0; round < ROUNDS; round++) {
      const T = start + round * 600_000;
      clock.set(T);
      const linksBefore = await links();
      const openNow = await open();
      const resolved = await roundEdits(gen, round, T, before, linksBefore, openNow, sync, clock.now());
      const openBefore = resolved.size > 0 ? await open() : openNow;
      const edited = await snap();
      clock.set(T + 360_000);
      const run = await engine.run(project, 'conv', { trigger: 'test' });
      const context = `seed ${seed} round ${round}`;
      expect(run.status, `${context}: ${JSON.stringify(run.error)}`).toBe('succeeded');
      const counts = run.counts.sync;
      if (counts) {
        seen.created += counts.a.created + counts.b.created;
        seen.updated += counts.a.updated + counts.b.updated;
        seen.deleted += counts.a.deleted + counts.b.deleted;
        seen.matched += counts.matched;
        seen.decided += counts.conflictsDecided;
        seen.opened += counts.conflictsOpened;
      }
      seen.resolved += resolved.size;
      expect(counts?.a.failed, context).toBe(0);
      expect(counts?.b.failed, context).toBe(0);
      const after = await snap();
      const linksAfter = await links();
      const openAfter = await open();
      const problems = checkRound({
        fields,
        skewMs: SKEW,
        before,
        edited,
        after,
        linksBefore,
        linksAfter,
        openBefore,
        openAfter,
        resolved,
      });
      expect(problems.slice(0, 12), `${context}: ${problems.length} broken invariants`).toEqual([]);

      // a run after a run: our own writes come back as echoes, nothing is written on either side
      clock.set(T + 420_000);
      const quiet = await engine.run(project, 'conv', { trigger: 'test' });
      expect(quiet.status, context).toBe('succeeded');
      const q = quiet.counts.sync;
      const writes = q ? q.a.created + q.a.updated + q.a.deleted + q.b.created + q.b.updated + q.b.deleted : -1;
      expect({ writes, written: quiet.counts.written }, `${context}: the run after`).toEqual({ writes: 0, written: 0 });
      const still = await snap();
      expect(still, `${context}: rows changed by the run after a run`).toEqual(after);
      seen.echoes += (q?.a.echoes ?? 0) + (q?.b.echoes ?? 0);
      before = after;
    }
    console.log(
      `convergence: ${ROUNDS} rounds, seed ${seed}, ${((performance.now() - t0) / 1000).toFixed(1)} s: ${JSON.stringify(seen)}`,
    );
    if (ROUNDS >= 100)
      for (const [what, n] of Object.entries(seen)) expect(n, `${what} over ${ROUNDS} rounds`).toBeGreaterThan(0);
  }, 240_000);
});
