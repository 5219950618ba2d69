import { describe, expect, it } from 'vitest';
import { connect, recordingClock, testContext, useHttpTestServer } from '../../../test/emulators/http/http-fixture.js';
import { sendRequest, usageText } from '../../kit/index.js';
import type { FlowError } from '../../sdk/index.js';

const t = useHttpTestServer();

describe('http connection: rateLimit.headers (the API announces its quota)', () => {
  it('slows down in the reserve, and a quota spent until a far reset fails at once with blockedUntil', async () => {
    const clock = recordingClock();
    const ctx = testContext(clock);
    const conn = connect(t.server.url, {
      rateLimit: {
        headers: { remaining: 'X-RateLimit-Remaining', limit: 'X-RateLimit-Limit', reset: 'X-RateLimit-Reset' },
      },
    });
    const url = '/quota?key=headers&limit=3&window=3600';
    for (let i = 0; i < 3; i++) expect((await sendRequest(conn, { method: 'GET', url }, ctx)).status).toBe(200);
    // the third went out with 1 left of 3: spaced, by at most the limiter's maxWait (60 s)
    expect(clock.sleeps.length).toBe(1);
    expect(clock.sleeps[0]).toBeGreaterThan(0);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(60_000);
    const before = t.server.stats.count('/quota');
    const error = (await sendRequest(conn, { method: 'GET', url }, ctx).catch((e: unknown) => e)) as FlowError;
    expect(error).toMatchObject({ code: 'TRANSIENT_IO', kind: 'transient' });
    const until = error.blockedUntil?.getTime() ?? 0;
    expect(until - Date.now()).toBeGreaterThan(3_500_000);
    expect(t.server.stats.count('/quota')).toBe(before); // not sent: the quota is known to be spent
    expect(conn.limiter?.usage().map(usageText)).toEqual([
      expect.stringMatching(/^x-ratelimit-remaining 3\/3, resets /),
    ]);
  });

  it('without the headers configured, the same answers pace nothing', async () => {
    const clock = recordingClock();
    const conn = connect(t.server.url, { rateLimit: { concurrency: 2 } });
    for (let i = 0; i < 3; i++)
      await sendRequest(conn, { method: 'GET', url: '/quota?key=plain&limit=3' }, testContext(clock));
    expect(clock.sleeps).toEqual([]);
  });
});
