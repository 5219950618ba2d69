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
import { connection, syncConnectors, syncDefinition, syncProject } from './prove-fixture.js';
import { mysqlTable, mysqlUrl, pgUrl, postgresTable, type SideTable } from './side-tables.js';

/**
 * Issue 14: an update A→B followed by a run produces no write back to A. Counted at the databases: a
 * trigger on each side's table counts every row inserted, updated or deleted (an UPDATE that changes
 * nothing fires it too), so a no-op write back would show even where the counters said otherwise. Both
 * sides stamp their cursor on the sync's writes, so the write to B is read back from B as a change.
 */

const pgUp = await requireServerAt('PostgreSQL', pgUrl, 5432);
const myUp = await requireServerAt('MySQL', mysqlUrl, 3306);
const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 7)}`;
const T0 = Date.UTC(2026, 3, 1, 8, 0, 0);
const MIN = 60_000;

describe.skipIf(!pgUp || !myUp)('echo suppression, PostgreSQL ↔ MySQL', () => {
  let dir: string;
  let store: StateStore;
  let crm: SideTable;
  let erp: SideTable;
  let engine: Engine;
  const clock = new ManualClock(T0);
  const crmTable = `echo_crm_${suffix}`;
  const erpTable = `echo_erp_${suffix}`;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'syncline-echo-'));
    store = await openStore(join(dir, 'state.db'));
    crm = await postgresTable({
      table: crmTable,
      key: 'id',
      cursor: 'updated_at',
      deleted: 'deleted',
      columns: { email: 'text', name: 'text' },
    });
    erp = await mysqlTable({
      table: erpTable,
      key: 'client_no',
      cursor: 'modified',
      deleted: 'is_deleted',
      columns: { email_address: 'text', full_name: 'text' },
    });
    await crm.create();
    await erp.create();
    await crm.exec(`CREATE TABLE ${crmTable}_writes (n integer NOT NULL); INSERT INTO ${crmTable}_writes VALUES (0);
      CREATE FUNCTION ${crmTable}_count() RETURNS trigger AS $$ BEGIN UPDATE ${crmTable}_writes SET n = n + 1; RETURN NULL; END $$ LANGUAGE plpgsql;
      CREATE TRIGGER ${crmTable}_count AFTER INSERT OR UPDATE OR DELETE ON ${crmTable} FOR EACH ROW EXECUTE FUNCTION ${crmTable}_count();`);
    await erp.exec(`CREATE TABLE ${erpTable}_writes (n int NOT NULL); INSERT INTO ${erpTable}_writes VALUES (0);`);
    for (const op of ['INSERT', 'UPDATE', 'DELETE'])
      await erp.exec(
        `CREATE TRIGGER ${erpTable}_${op.toLowerCase()} AFTER ${op} ON ${erpTable} FOR EACH ROW UPDATE ${erpTable}_writes SET n = n + 1`,
      );
    engine = createEngine({ connectors: syncConnectors, steps: builtinSteps, store, clock });
  });

  afterAll(async () => {
    await crm?.exec(
      `DROP TABLE IF EXISTS ${crmTable}; DROP TABLE IF EXISTS ${crmTable}_writes; DROP FUNCTION IF EXISTS ${crmTable}_count()`,
    );
    await erp?.exec(`DROP TABLE IF EXISTS ${erpTable}; DROP TABLE IF EXISTS ${erpTable}_writes`);
    await crm?.close();
    await erp?.close();
    await store?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const writes = async () => ({
    a: Number(((await crm.exec(`SELECT n FROM ${crmTable}_writes`)) as { n: number }[])[0]?.n),
    b: Number(((await erp.exec(`SELECT n FROM ${erpTable}_writes`)) as { n: number }[])[0]?.n),
  });

  it('a change sent from A to B is not written back to A, nor again to B', async () => {
    const project = syncProject(
      [connection('crm', 'postgres', { url: pgUrl }), connection('erp', 'mysql', { url: mysqlUrl })],
      [
        syncDefinition({
          name: 'echo',
          a: {
            connection: 'crm',
            type: 'postgres',
            table: crmTable,
            key: 'id',
            cursor: 'updated_at',
            stampCursor: true,
          },
          b: {
            connection: 'erp',
            type: 'mysql',
            table: erpTable,
            key: 'client_no',
            cursor: 'modified',
            stampCursor: true,
          },
          fields: { email: { b: 'email_address' }, name: { b: 'full_name' } },
          match: ['email'],
        }),
      ],
    );
    const ada = await crm.insert({ email: 'ada@example.com', name: 'Ada' }, T0 - 10 * MIN);
    await crm.insert({ email: 'grace@example.com', name: 'Grace' }, T0 - 10 * MIN);
    await erp.insert({ email_address: 'ada@example.com', full_name: 'Ada' }, T0 - 10 * MIN);
    await erp.insert({ email_address: 'linus@example.com', full_name: 'Linus' }, T0 - 10 * MIN);
    const run = async (at: number) => {
      clock.set(at);
      const r = await engine.run(project, 'echo', { trigger: 'test' });
      expect(r.status, JSON.stringify(r.error)).toBe('succeeded');
      return r;
    };

    // the first run pairs Ada, creates Grace on B and Linus on A; the run after it reads those creates back as echoes
    await run(T0);
    await run(T0 + MIN);
    const settled = await writes();

    // a person renames Ada on A
    await crm.update(ada, { name: 'Ada Lovelace' }, T0 + 2 * MIN);
    const edited = await writes();
    expect(edited).toEqual({ a: settled.a + 1, b: settled.b });

    const toB = await run(T0 + 3 * MIN);
    expect(await writes()).toEqual({ a: edited.a, b: edited.b + 1 });
    expect(toB.counts.sync).toMatchObject({ b: { updated: 1 }, a: { updated: 0, created: 0 } });
    const crmAfter = (await crm.snapshot()).get(ada);

    // B's row came back with the new stamp: an echo, written nowhere
    const back = await run(T0 + 4 * MIN);
    // (the 5 s overlap may read B's earlier rows again: every one of them an echo too)
    expect(back.counts.sync?.b.read).toBeGreaterThanOrEqual(1);
    expect(back.counts.sync?.b.echoes).toBe(back.counts.sync?.b.read);
    expect(back.counts.written).toBe(0);
    expect(await writes()).toEqual({ a: edited.a, b: edited.b + 1 });
    expect((await crm.snapshot()).get(ada)).toEqual(crmAfter);

    // and the same from B to A
    const erpAda = [...(await erp.snapshot()).values()].find((r) => r.values.email_address === 'ada@example.com');
    await erp.update(erpAda?.id as string, { full_name: 'Augusta Ada King' }, T0 + 5 * MIN);
    const edited2 = await writes();
    await run(T0 + 6 * MIN);
    expect(await writes()).toEqual({ a: edited2.a + 1, b: edited2.b });
    const quiet = await run(T0 + 7 * MIN);
    expect(quiet.counts.sync?.a.echoes).toBe(1);
    expect(await writes()).toEqual({ a: edited2.a + 1, b: edited2.b });
    expect((await crm.snapshot()).get(ada)?.values.name).toBe('Augusta Ada King');
  });
});
