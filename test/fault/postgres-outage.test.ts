import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, type ExpectStatic, it } from 'vitest';
import { createTestSchema, type TestSchema, testServerUrl } from '../../src/connectors/postgres/test-helpers.js';
import { requireServer } from '../helpers/servers.js';
import {
  breakerTransitions,
  canReadProcSockets,
  outcomeText,
  parseRun,
  runCli,
  sleep,
  startCli,
  statusJson,
  tcpPortsOf,
  writeSourceCsv,
} from './outage-helpers.js';

/**
 * Issue 5, fault injection (a), PostgreSQL: the destination database goes away for 30 s mid-run —
 * every ~200 ms the test terminates the flow's backends (pg_terminate_backend). The run retries, the
 * connection's breaker opens, the run recovers or pauses with its checkpoint kept; the next run
 * completes and every source row is in the table exactly once.
 *
 * Two outages:
 * - "down": a statement trigger on the target holds every write (loops in pg_sleep) from the moment
 *   the table has OUTAGE_AFTER rows until the test ends the outage, so every write in the window is
 *   still running when the next kill comes: every attempt fails, the breaker must open and the run
 *   must pause (maxWait 10 s < 30 s). Without the hold, terminating backends leaves gaps — the pool
 *   reconnects at once and a batch (a few ms) usually commits between two kills;
 * - "flaky": kills alone, every 200 ms from the first rows on, hitting the sessions at whatever they
 *   are doing (idle in the pool, between two statements of a batch, mid-COPY): the run may recover or
 *   pause, depending on where the kills land.
 *
 * Which backends are the flow's: every session of the postgres connector has application_name
 * `syncline` (fixed in the connector's pool options; a URL's `options=-c application_name=…` is
 * overridden by it), so the kill also filters on client_port: the local ports of the TCP connections
 * the `syncline` child process holds to the server, read from /proc/<pid>/fd and /proc/<pid>/net/tcp.
 * Other sessions on the shared test server (other test files, other people) are never touched.
 */
const RECORDS = 20_000;
const OUTAGE_MS = 30_000;
const KILL_EVERY_MS = 200;

const server = new URL(testServerUrl);
const pgPort = Number(server.port || 5432);
const reachable = await requireServer('PostgreSQL', server.hostname, pgPort);

const flowYaml = (schema: TestSchema, page: number, batch: number) => `
connections:
  files: { type: file, dir: . }
  warehouse:
    type: postgres
    url: ${JSON.stringify(schema.url)}
    pool: { max: 2 }
    connectTimeout: 2s
    breaker: { failures: 3, openFor: 5s, maxWait: 10s }
flows:
  load:
    retry: { maxAttempts: 3, backoff: exponential, base: 200ms, max: 1s }
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: ${page} }
    destinations:
      - connection: warehouse
        type: postgres.table
        schema: ${schema.name}
        table: items
        operation: upsert
        key: [id]
        batch: { size: ${batch} }
`;

interface Scenario {
  readonly schema: TestSchema;
  readonly cli: { cwd: string; env: Record<string, string> };
  readonly table: string;
}

const cleanup: (() => Promise<void> | void)[] = [];

/** A temp dir with the source CSV and the flow, and a schema with the target table. */
async function prepare(page: number, batch: number): Promise<Scenario> {
  if (!canReadProcSockets()) {
    throw new Error(
      'these tests find the flow’s PostgreSQL backends by the client ports of the syncline process, read from /proc/<pid>/fd and /proc/<pid>/net/tcp: run them on Linux',
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'syncline-pg-outage-'));
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
  const schema = await createTestSchema('fault');
  cleanup.push(() => schema.drop());
  const table = `"${schema.name}".items`;
  await schema.sql(`CREATE TABLE ${table} (id bigint PRIMARY KEY, name text NOT NULL, n integer NOT NULL)`);
  writeSourceCsv(dir, RECORDS);
  writeFileSync(join(dir, 'flow.yaml'), flowYaml(schema, page, batch));
  return {
    schema,
    table,
    cli: { cwd: dir, env: { SYNCLINE_DB: join(dir, 'state.db'), SYNCLINE_LOG: 'warn', SYNCLINE_LOG_FORMAT: 'json' } },
  };
}

/** Holds every write to the table once it has `after` rows, until `phase` is set to 'over'. */
async function holdWritesAfter(s: Scenario, after: number): Promise<void> {
  const q = `"${s.schema.name}"`;
  await s.schema.sql(`CREATE TABLE ${q}.outage (phase text NOT NULL)`);
  await s.schema.sql(`INSERT INTO ${q}.outage VALUES ('armed')`);
  // READ COMMITTED: each SELECT in the loop sees the test's `phase = 'over'` as soon as it commits
  await s.schema.sql(`
    CREATE FUNCTION ${q}.outage_gate() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      IF (SELECT count(*) FROM ${s.table}) >= ${after} THEN
        WHILE (SELECT phase FROM ${q}.outage) = 'armed' LOOP
          PERFORM pg_sleep(0.05);
        END LOOP;
      END IF;
      RETURN NULL;
    END $$`);
  await s.schema.sql(
    `CREATE TRIGGER outage_gate BEFORE INSERT OR UPDATE ON ${s.table} FOR EACH STATEMENT EXECUTE FUNCTION ${q}.outage_gate()`,
  );
  cleanup.push(() => endHold(s).catch(() => undefined)); // never leave a session looping
}

async function endHold(s: Scenario): Promise<void> {
  await s.schema.sql(`UPDATE "${s.schema.name}".outage SET phase = 'over'`);
}

async function rowCount(s: Scenario): Promise<number> {
  const r = await s.schema.sql(`SELECT count(*)::int AS c FROM ${s.table}`);
  return (r.rows[0] as { c: number }).c;
}

/** Terminates the backends of process `pid` (see the file comment); how many were terminated. */
async function terminateBackendsOf(s: Scenario, pid: number | undefined): Promise<number> {
  if (pid === undefined) return 0;
  const ports = tcpPortsOf(pid, pgPort);
  if (ports.length === 0) return 0;
  const r = await s.schema.sql(
    `SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity
      WHERE datname = current_database() AND pid <> pg_backend_pid()
        AND application_name = 'syncline' AND client_port = ANY($1::int[])`,
    [ports],
  );
  return r.rows.filter((row: { done: boolean }) => row.done).length;
}

/** A `syncline run` in the background, the test's kill loop aimed at it. */
function startRun(s: Scenario) {
  const run = startCli(['run', 'flow.yaml', 'load', '--json'], s.cli);
  const state = { exited: false };
  const mark = () => {
    state.exited = true;
  };
  void run.done.then(mark, mark);
  cleanup.push(() => {
    if (!state.exited) run.child.kill('SIGKILL'); // a failed assertion must not leave the child behind
  });
  return { ...run, state };
}

/** Waits until `ready()` or the run ended; the time it became ready, or undefined. */
async function waitFor(ready: () => Promise<boolean>, state: { exited: boolean }): Promise<number | undefined> {
  while (!state.exited) {
    if (await ready()) return Date.now();
    await sleep(20);
  }
  return undefined;
}

/** Kills the run's backends every KILL_EVERY_MS until `until` (or `stop.now`); counts the kills. */
function killLoop(s: Scenario, run: ReturnType<typeof startRun>, until: number, stop = { now: false }) {
  const kills = { total: 0 };
  const done = (async () => {
    while (Date.now() < until && !stop.now) {
      kills.total += await terminateBackendsOf(s, run.state.exited ? undefined : run.child.pid);
      await sleep(KILL_EVERY_MS);
    }
  })();
  cleanup.push(() => {
    stop.now = true; // a failed assertion must not leave the loop querying a dropped schema
    return done.catch(() => undefined);
  });
  return { kills, done, stop };
}

/** Every source row is in the table exactly once, with its values. */
async function expectExactlyOnce(s: Scenario, expect: ExpectStatic): Promise<void> {
  const stats = await s.schema.sql(
    `SELECT count(*)::int AS rows, count(DISTINCT id)::int AS ids, min(id)::int AS lo, max(id)::int AS hi,
            sum(n)::int AS total,
            count(*) FILTER (WHERE name <> 'name ' || id OR n <> id % 1000)::int AS wrong
       FROM ${s.table}`,
  );
  let total = 0;
  for (let id = 1; id <= RECORDS; id++) total += id % 1000;
  expect(stats.rows[0]).toEqual({ rows: RECORDS, ids: RECORDS, lo: 1, hi: RECORDS, total, wrong: 0 });
}

describe.skipIf(!reachable)('fault injection: the PostgreSQL destination goes away for 30 s mid-run', () => {
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it.concurrent('down: every write fails, the breaker opens, the run pauses; the next run resumes and every row is there once', async ({
    expect,
  }) => {
    const PAGE = 500;
    /** Two batches per page: when the outage begins, the first batch of the page in flight is committed. */
    const BATCH = 250;
    /** Writes hang once the table holds this many rows: after the first batch of page 5 (ids 2001–2250). */
    const OUTAGE_AFTER = 2_250;
    const s = await prepare(PAGE, BATCH);
    await holdWritesAfter(s, OUTAGE_AFTER);

    // 1. The first run, until the table holds OUTAGE_AFTER rows and writes start to hang.
    const run1 = startRun(s);
    const outageStart = await waitFor(async () => (await rowCount(s)) >= OUTAGE_AFTER, run1.state);
    if (outageStart === undefined) {
      throw new Error(`run 1 ended before the table held ${OUTAGE_AFTER} rows: ${outcomeText(await run1.done)}`);
    }
    const outageEnd = outageStart + OUTAGE_MS;

    // 2. The outage: the flow's backends are terminated every ~200 ms for 30 s.
    const killer = killLoop(s, run1, outageEnd);
    const first = await run1.done;
    const firstRun = parseRun(first);
    expect(Date.now(), 'run 1 must end while the database is still away').toBeLessThan(outageEnd);
    expect({ exit: first.status, status: firstRun.status, code: firstRun.error?.code }, outcomeText(first)).toEqual({
      exit: 3,
      status: 'paused',
      code: 'PAUSED',
    });
    expect(firstRun.error?.message).toContain('the circuit of connection warehouse is open until');
    const firstTransitions = breakerTransitions(first.stderr, 'warehouse');
    expect(firstTransitions[0]).toBe('open');
    expect(firstTransitions).not.toContain('closed');
    // every attempt (3 before the breaker opened, then the half-open probe) ran on a backend that was terminated
    expect(killer.kills.total).toBeGreaterThanOrEqual(4);
    // only whole pages written before the outage were checkpointed
    expect(firstRun.pages).toBe(Math.floor(OUTAGE_AFTER / PAGE));
    expect(firstRun.counts.written).toBe(firstRun.pages * PAGE);

    // 3. While paused (the database still away): status shows the paused run and the open breaker.
    const paused = await statusJson(s.cli);
    expect(Date.now(), 'status must be read during the outage').toBeLessThan(outageEnd);
    expect(paused.flows.map((f) => [f.flow, f.lastRun.status, f.lastRun.error?.code])).toEqual([
      ['load', 'paused', 'PAUSED'],
    ]);
    expect(paused.breakers.map((b) => [b.name, b.state])).toEqual([['warehouse', 'open']]);
    expect(await rowCount(s), 'nothing may be written during the outage').toBe(OUTAGE_AFTER);

    // 4. The database comes back; the next run resumes from run 1's checkpoint and completes.
    await killer.done;
    await endHold(s);
    const second = await runCli(['run', 'flow.yaml', 'load', '--json'], s.cli);
    const secondRun = parseRun(second);
    expect({ exit: second.status, status: secondRun.status, error: secondRun.error }, outcomeText(second)).toEqual({
      exit: 0,
      status: 'succeeded',
      error: null,
    });
    expect(secondRun.resumedFrom).toBe(firstRun.id);
    // it re-read the page in flight: the batch of it committed before the outage was upserted again,
    // found unchanged and skipped; the rest was written
    const resumedRows = RECORDS - firstRun.pages * PAGE;
    const alreadyThere = OUTAGE_AFTER - firstRun.pages * PAGE;
    expect(secondRun.counts.read).toBe(resumedRows);
    expect({ written: secondRun.counts.written, skipped: secondRun.counts.skipped }).toEqual({
      written: resumedRows - alreadyThere,
      skipped: alreadyThere,
    });
    expect(breakerTransitions(second.stderr, 'warehouse').at(-1)).toBe('closed');
    const done = await statusJson(s.cli);
    expect(done.flows.map((f) => [f.flow, f.lastRun.status, f.lastRun.id])).toEqual([
      ['load', 'succeeded', secondRun.id],
    ]);
    expect(done.breakers.map((b) => [b.name, b.state])).toEqual([['warehouse', 'closed']]);
    await expectExactlyOnce(s, expect);
  }, 90_000);

  it.concurrent('flaky: backends terminated every 200 ms whatever they do; the run recovers or pauses, the next run completes, every row once', async ({
    expect,
  }) => {
    // small pages and batches: ~400 transactions, so that the kills land at every stage of a write
    const PAGE = 100;
    const BATCH = 50;
    const s = await prepare(PAGE, BATCH);

    const run1 = startRun(s);
    const outageStart = await waitFor(async () => (await rowCount(s)) > 0, run1.state);
    if (outageStart === undefined) throw new Error(`run 1 ended before writing a row: ${outcomeText(await run1.done)}`);
    const outageEnd = outageStart + OUTAGE_MS;
    const killer = killLoop(s, run1, outageEnd);

    const first = await run1.done;
    const killedDuringRun1 = killer.kills.total;
    // recovered (0) or paused (3); anything else (a crash: 1 with a stack trace) is a defect
    expect([0, 3], `run 1 must recover or pause: ${outcomeText(first)}`).toContain(first.status);
    const firstRun = parseRun(first);
    expect(killedDuringRun1, 'the run must have met the outage').toBeGreaterThanOrEqual(3);
    if (first.status === 3) {
      expect([firstRun.status, firstRun.error?.code]).toEqual(['paused', 'PAUSED']);
      const paused = await statusJson(s.cli);
      expect(paused.breakers.map((b) => [b.name, b.state])).toEqual([['warehouse', 'open']]);
      await killer.done; // the database is back after the 30 s
    } else {
      expect([firstRun.status, firstRun.error]).toEqual(['succeeded', null]);
      killer.stop.now = true; // recovered: the outage has nothing left to hit
      await killer.done;
      await expectExactlyOnce(s, expect);
    }

    // The next run: resumes a paused run and completes it, or (after a recovery) finds every row unchanged.
    const second = await runCli(['run', 'flow.yaml', 'load', '--json'], s.cli);
    const secondRun = parseRun(second);
    expect({ exit: second.status, status: secondRun.status, error: secondRun.error }, outcomeText(second)).toEqual({
      exit: 0,
      status: 'succeeded',
      error: null,
    });
    if (first.status === 3) expect(secondRun.resumedFrom).toBe(firstRun.id);
    else expect(secondRun.counts).toMatchObject({ read: RECORDS, written: 0, skipped: RECORDS });
    const done = await statusJson(s.cli);
    expect(done.flows.map((f) => [f.flow, f.lastRun.status])).toEqual([['load', 'succeeded']]);
    expect(done.breakers.filter((b) => b.state !== 'closed')).toEqual([]);
    await expectExactlyOnce(s, expect);
  }, 90_000);
});
