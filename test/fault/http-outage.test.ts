import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  breakerTransitions,
  outcomeText,
  parseRun,
  readBody,
  runCli,
  sleep,
  statusJson,
  writeSourceCsv,
} from './outage-helpers.js';

/**
 * Issue 5, fault injection (a), HTTP: the destination API answers 503 for 30 s in the middle of a run.
 * The run retries, its connection's breaker opens, the run pauses (maxWait 10 s < the 30 s outage)
 * with its checkpoint kept; after the outage the next run resumes there and every source record
 * reaches the API, duplicates confined to the one page that was in flight when the API went away.
 */
const RECORDS = 20_000;
/** Source page size: the unit of checkpoints, hence of what a resumed run sends again. */
const PAGE = 500;
/** Records per POST (a JSON array); a page is written as PAGE / BATCH batches, one after another. */
const BATCH = 50;
/**
 * The outage begins once this many distinct records have been accepted: after the 5th batch of
 * page 5 (ids 2001–2500), so half of that page is at the API when it goes away.
 */
const OUTAGE_AFTER = 2_250;
const OUTAGE_MS = 30_000;

interface Delivery {
  name: string;
  n: number;
}

/** The destination API: POST /items takes a JSON array of records; it counts every accepted delivery per id. */
interface FakeApi {
  readonly port: number;
  /** id → number of accepted deliveries. */
  readonly deliveries: Map<number, number>;
  /** id → the last record body accepted. */
  readonly payloads: Map<number, Delivery>;
  /** Ids accepted before the outage began (all by the first run). */
  readonly beforeOutage: Set<number>;
  /** 503 answers sent, with and without a Retry-After header. */
  readonly refused: { withRetryAfter: number; without: number };
  /** Every 503 answer: when, and whether it carried `Retry-After: 1`. */
  readonly refusals: { at: number; retryAfter: boolean }[];
  /** Date.now() when the outage began (undefined until OUTAGE_AFTER records were accepted). */
  outageStart: number | undefined;
  close(): Promise<void>;
}

async function startApi(): Promise<FakeApi> {
  const api = {
    port: 0,
    deliveries: new Map<number, number>(),
    payloads: new Map<number, Delivery>(),
    beforeOutage: new Set<number>(),
    refused: { withRetryAfter: 0, without: 0 },
    refusals: [] as { at: number; retryAfter: boolean }[],
    outageStart: undefined as number | undefined,
    close: async () => undefined,
  } satisfies FakeApi;
  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((text) => {
      if (req.method !== 'POST' || req.url !== '/items') return answer(res, 404, { error: `no route ${req.url}` });
      const now = Date.now();
      if (api.outageStart !== undefined && now < api.outageStart + OUTAGE_MS) {
        // every other refusal carries Retry-After (the engine's retry waits that long instead of its backoff)
        const total = api.refused.withRetryAfter + api.refused.without;
        api.refusals.push({ at: now, retryAfter: total % 2 === 0 });
        if (total % 2 === 0) {
          api.refused.withRetryAfter += 1;
          return answer(res, 503, { error: 'maintenance' }, { 'retry-after': '1' });
        }
        api.refused.without += 1;
        return answer(res, 503, { error: 'maintenance' });
      }
      const records = JSON.parse(text) as unknown;
      if (!Array.isArray(records)) return answer(res, 400, { error: 'expected a JSON array of records' });
      for (const record of records as { id: number; name: string; n: number }[]) {
        api.deliveries.set(record.id, (api.deliveries.get(record.id) ?? 0) + 1);
        api.payloads.set(record.id, { name: record.name, n: record.n });
        if (api.outageStart === undefined) api.beforeOutage.add(record.id);
      }
      if (api.outageStart === undefined && api.deliveries.size >= OUTAGE_AFTER) api.outageStart = now;
      return answer(res, 201, { accepted: records.length });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(api, {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  });
}

const flowYaml = (port: number) => `
connections:
  files: { type: file, dir: . }
  api:
    type: http
    baseUrl: http://127.0.0.1:${port}
    timeoutMs: 5000
    breaker: { failures: 3, openFor: 5s, maxWait: 10s }
flows:
  push:
    retry: { maxAttempts: 3, backoff: exponential, base: 200ms, max: 1s }
    source: { connection: files, type: file.csv, path: source.csv, columns: { id: integer, n: integer }, pageSize: ${PAGE} }
    destinations:
      - connection: api
        type: http.request
        method: POST
        path: /items
        mode: batch
        batch: { size: ${BATCH} }
`;

describe('fault injection: the HTTP destination answers 503 for 30 s mid-run', () => {
  const cleanup: (() => Promise<void> | void)[] = [];
  afterAll(async () => {
    for (const undo of cleanup.reverse()) await undo();
  });

  it('retries, opens the breaker, pauses; the next run resumes and every record arrives, duplicates only from the page in flight', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'syncline-http-outage-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const api = await startApi();
    cleanup.push(() => api.close());
    writeSourceCsv(dir, RECORDS);
    writeFileSync(join(dir, 'flow.yaml'), flowYaml(api.port));
    const cli = {
      cwd: dir,
      env: { SYNCLINE_DB: join(dir, 'state.db'), SYNCLINE_LOG: 'warn', SYNCLINE_LOG_FORMAT: 'json' },
    };

    // 1. The first run: the API goes away after OUTAGE_AFTER records; the run must pause (maxWait 10 s < 30 s).
    const first = await runCli(['run', 'flow.yaml', 'push', '--json'], cli);
    const firstRun = parseRun(first);
    const outageStart = api.outageStart;
    if (outageStart === undefined) {
      throw new Error(
        `the API never went down: only ${api.deliveries.size} records arrived; run 1: ${outcomeText(first)}`,
      );
    }
    const outageEnd = outageStart + OUTAGE_MS;
    expect(Date.now(), 'run 1 must end while the API is still down').toBeLessThan(outageEnd);
    expect({ exit: first.status, status: firstRun.status, code: firstRun.error?.code }, outcomeText(first)).toEqual({
      exit: 3,
      status: 'paused',
      code: 'PAUSED',
    });
    expect(firstRun.error?.message).toContain('the circuit of connection api is open until');
    // the breaker opened during run 1 (and never closed: the API stayed down)
    const firstTransitions = breakerTransitions(first.stderr, 'api');
    expect(firstTransitions[0]).toBe('open');
    expect(firstTransitions).not.toContain('closed');
    // retried: the failing batch was sent maxAttempts (3) times before the breaker (failures: 3) opened,
    // then probed when half-open; both kinds of refusal were seen
    expect(api.refusals.length).toBeGreaterThanOrEqual(4);
    expect(api.refused.withRetryAfter).toBeGreaterThan(0);
    expect(api.refused.without).toBeGreaterThan(0);
    // a `Retry-After: 1` replaces the computed backoff (200 ms, 400 ms): the next request came ~1 s later
    // (>= 900 ms, leaving room for clock granularity)
    const gaps = api.refusals
      .slice(1)
      .map((r, i) => ({ after: api.refusals[i], gap: r.at - (api.refusals[i]?.at ?? 0) }));
    const tooSoon = gaps.filter((g) => g.after?.retryAfter === true && g.gap < 900);
    expect(tooSoon, 'requests sent sooner than the Retry-After of the refusal before them').toEqual([]);
    // run 1 committed only whole pages that were delivered completely before the outage
    expect(firstRun.pages).toBe(Math.floor(OUTAGE_AFTER / PAGE));
    expect(firstRun.counts.written).toBe(firstRun.pages * PAGE);

    // 2. While paused (the API still down): status shows the paused run and the open breaker.
    const paused = await statusJson(cli);
    expect(Date.now(), 'status must be read during the outage').toBeLessThan(outageEnd);
    expect(paused.flows.map((f) => [f.flow, f.lastRun.status, f.lastRun.error?.code])).toEqual([
      ['push', 'paused', 'PAUSED'],
    ]);
    expect(paused.breakers.map((b) => [b.name, b.state])).toEqual([['api', 'open']]);

    // 3. After the outage: the next run resumes from run 1's checkpoint and completes.
    await sleep(outageEnd - Date.now() + 250);
    const second = await runCli(['run', 'flow.yaml', 'push', '--json'], cli);
    const secondRun = parseRun(second);
    expect({ exit: second.status, status: secondRun.status, error: secondRun.error }, outcomeText(second)).toEqual({
      exit: 0,
      status: 'succeeded',
      error: null,
    });
    expect(secondRun.resumedFrom).toBe(firstRun.id);
    expect(secondRun.counts.read).toBe(RECORDS - firstRun.pages * PAGE);
    expect(secondRun.counts.written).toBe(RECORDS - firstRun.pages * PAGE);
    expect(breakerTransitions(second.stderr, 'api').at(-1)).toBe('closed');
    const done = await statusJson(cli);
    expect(done.flows.map((f) => [f.flow, f.lastRun.status, f.lastRun.id])).toEqual([
      ['push', 'succeeded', secondRun.id],
    ]);
    expect(done.breakers.map((b) => [b.name, b.state])).toEqual([['api', 'closed']]);

    // 4. Every source record is at the API, with the right content.
    const missing: number[] = [];
    const wrong: number[] = [];
    for (let id = 1; id <= RECORDS; id++) {
      const got = api.payloads.get(id);
      if (!got) missing.push(id);
      else if (got.name !== `name ${id}` || got.n !== id % 1000) wrong.push(id);
    }
    expect(missing.slice(0, 20), `${missing.length} records never arrived`).toEqual([]);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(api.deliveries.size).toBe(RECORDS);

    // 5. Duplicates: a resumed run re-sends the page that was in flight (its checkpoint was not
    // committed), so the batches of that page the API had accepted before it went down arrive twice.
    // Bound asserted: at most the records of that one page (PAGE), each at most twice — exactly the
    // ids of the in-flight page accepted before the outage. No record of another page may repeat:
    // pages before it were checkpointed, pages after it were never sent by run 1, and run 1's retries
    // of the failing batch were all refused, so they added no copies.
    const inFlight = { first: firstRun.pages * PAGE + 1, last: (firstRun.pages + 1) * PAGE };
    const duplicated = [...api.deliveries].filter(([, count]) => count > 1);
    const expected = [...api.beforeOutage].filter((id) => id >= inFlight.first && id <= inFlight.last);
    expect(Math.max(...api.deliveries.values())).toBe(2);
    expect(duplicated.map(([id]) => id).sort((a, b) => a - b)).toEqual(expected.sort((a, b) => a - b));
    expect(duplicated.length).toBeLessThanOrEqual(PAGE);
    expect(duplicated.length).toBe(OUTAGE_AFTER - firstRun.pages * PAGE);
  }, 90_000);
});
