import { afterEach, describe, expect, it } from 'vitest';
import {
  type Context,
  createRecord,
  FlowError,
  ManualClock,
  noMetrics,
  type Page,
  silentLogger,
} from '../../../src/sdk/index.js';
import { type CrmEmulator, createCrmEmulator } from '../../../test/emulators/crm/crm-emulator.js';
import { crmSeedSchema } from '../../../test/emulators/crm/crm-seed.js';
import type { CrmConnection } from './connection.js';
import { crmConnector } from './index.js';

const apiKey = 'rate-limit-key-1';
let crm: CrmEmulator | undefined;
afterEach(async () => {
  await crm?.close();
  crm = undefined;
});

/** The emulator and the connector on one ManualClock: the CRM's windows and the connector's waits follow it. */
async function setup(requestsPerSecond: number) {
  const clock = new ManualClock(Date.UTC(2026, 2, 1));
  const contacts = Array.from({ length: 7 }, (_, i) => ({ email: `p${i + 1}@example.com`, name: `P ${i + 1}` }));
  crm = createCrmEmulator({
    clock,
    seed: crmSeedSchema.parse({ apiKey, rateLimit: { requests: requestsPerSecond, perSeconds: 1 }, contacts }),
  });
  const url = await crm.listen();
  const ctx: Context = {
    runId: 'r1',
    flow: 'f',
    signal: new AbortController().signal,
    clock,
    log: silentLogger,
    metrics: noMetrics,
    baseDir: '.',
  };
  const connection = (await crmConnector.open(
    crmConnector.connection.parse({ baseUrl: `${url}/v1`, apiKey }),
    ctx,
  )) as CrmConnection;
  return { clock, ctx, connection, crm };
}

/**
 * Runs `work`, moving the clock a second on whenever the connector sleeps on it (a retry waiting for
 * Retry-After) and never while a request is in flight (its timeout is a timer, not a sleep).
 */
async function driveSleeps<T>(clock: ManualClock, work: Promise<T>): Promise<T> {
  let done = false;
  const watched = work.finally(() => {
    done = true;
  });
  while (!done) {
    if (clock.pending > 0) await clock.tick(1_000);
    else await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return watched;
}

describe('crm rate limit', () => {
  it("a read over the CRM's quota waits for the Retry-After of its 429 on the run's clock, then reads on", async () => {
    const { clock, ctx, connection } = await setup(3);
    const source = crmConnector.sources?.[0];
    const started = clock.now().getTime();
    const read = (async () => {
      const pages: Page[] = [];
      const config = source?.config.parse({ pageSize: 2 });
      for await (const page of source?.read({ config, connection }, ctx) ?? []) pages.push(page);
      return pages;
    })();
    const pages = await driveSleeps(clock, read);
    expect(pages.flatMap((p) => p.records.map((r) => r.data['email']))).toEqual(
      Array.from({ length: 7 }, (_, i) => `p${i + 1}@example.com`),
    );
    // three requests spend the window, the fourth is answered 429 Retry-After: 1 and sent again a second later
    expect(crm?.recorder.lines().map((l) => l.split(' ').at(-1))).toEqual(['200', '200', '200', '429', '200']);
    expect(clock.now().getTime() - started).toBeGreaterThanOrEqual(1_000);
    // the limiter saw the CRM's quota headers
    expect(connection.limiter?.usage().map((s) => s.name)).toContain('crm quota');
  });

  it('a write answered 429 fails as transient with the Retry-After, for the engine to retry the batch', async () => {
    const { ctx, connection } = await setup(1);
    const destination = crmConnector.destinations?.[0];
    const writer = await destination!.open({ config: destination!.config.parse({}), connection }, ctx);
    const records = [createRecord({ email: 'new@example.com', name: 'New' }, { id: 'line:1' })];
    await writer.write(records, ctx);
    const error = await writer.write(records, ctx).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(FlowError);
    expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient', retryAfterMs: 1_000 });
    expect((error as FlowError).message).toContain('RATE_LIMITED');
    await writer.close(ctx);
  });
});
