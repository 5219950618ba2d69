import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { requireAuth } from './auth-check.js';
import { createEmulatorApp, type EmulatorApp } from './emulator-app.js';
import { bearerCheck, createTokenStore } from './token-store.js';

let running: EmulatorApp | undefined;
afterEach(() => running?.close());

function emulator(clock = new ManualClock()) {
  const tokens = createTokenStore({ clock, ttlMs: 3_600_000 });
  const e = createEmulatorApp({
    clock,
    signals: {
      // a vendor that signals in a header of its own and the body (HubSpot-like)
      rateLimited: (reply, seconds) =>
        reply.code(429).header('x-vendor-retry', String(seconds)).send({ policyName: 'TEN_SECONDLY_ROLLING' }),
      serverError: (reply, status) => reply.code(status).send([{ errorCode: 'SERVER_ERROR' }]),
      expireTokens: () => tokens.expireAll(),
    },
  });
  e.app.get(
    '/items',
    { preHandler: requireAuth(bearerCheck(tokens), (reply, r) => reply.code(401).send({ reason: r.reason })) },
    async () => ({ items: [1] }),
  );
  e.app.get('/open', async () => ({ ok: true }));
  running = e;
  return { e, clock, token: tokens.issue('t').token };
}

describe('fault injection', () => {
  it('a 5xx burst after some calls pass, on the matching route only, in the vendor shape', async () => {
    const { e } = emulator();
    e.faults.add({ fault: { kind: 'status', status: 503 }, path: '/open', skip: 1, times: 2 });
    const statuses = [];
    for (let i = 0; i < 4; i += 1) statuses.push((await e.app.inject({ url: '/open' })).statusCode);
    expect(statuses).toEqual([200, 503, 503, 200]);
    expect((await e.app.inject({ url: '/items' })).statusCode).toBe(401); // other routes untouched
    e.faults.add({ fault: { kind: 'status', status: 500 }, method: 'POST' });
    expect((await e.app.inject({ url: '/open' })).statusCode).toBe(200);
    expect(e.faults.pending).toBe(1);
    e.faults.clear();
    expect(e.faults.pending).toBe(0);
    expect(e.faults.injected.status).toBe(2);
  });

  it("a 429 burst carries the vendor's own signal", async () => {
    const { e } = emulator();
    e.faults.add({ fault: { kind: 'rate-limit', retryAfterSeconds: 10 }, path: /^\/op/, times: 1 });
    const limited = await e.app.inject({ url: '/open' });
    expect([limited.statusCode, limited.headers['x-vendor-retry'], limited.json()]).toEqual([
      429,
      '10',
      { policyName: 'TEN_SECONDLY_ROLLING' },
    ]);
    expect((await e.app.inject({ url: '/open' })).statusCode).toBe(200);
  });

  it('latency waits on the emulator clock', async () => {
    const { e, clock } = emulator();
    e.faults.add({ fault: { kind: 'latency', ms: 5000 } });
    let answered = false;
    const pending = e.app.inject({ url: '/open' }).then((r) => {
      answered = true;
      return r;
    });
    while (clock.pending === 0) await new Promise((r) => setImmediate(r));
    clock.advance(4999);
    await new Promise((r) => setImmediate(r));
    expect(answered).toBe(false);
    clock.advance(1);
    expect((await pending).statusCode).toBe(200);
  });

  it('token expiry mid-run: the third call meets an expired token', async () => {
    const { e, token } = emulator();
    e.faults.add({ fault: { kind: 'expire-tokens' }, skip: 2 });
    const call = async () =>
      (await e.app.inject({ url: '/items', headers: { authorization: `Bearer ${token}` } })).statusCode;
    expect([await call(), await call(), await call(), await call()]).toEqual([200, 200, 401, 401]);
  });

  it('a connection reset fails the client request; the next one is answered (real HTTP)', async () => {
    const { e } = emulator();
    const url = await e.listen();
    e.faults.add({ fault: { kind: 'reset' } });
    await expect(fetch(`${url}/open`)).rejects.toThrow(/fetch failed/);
    expect((await fetch(`${url}/open`)).status).toBe(200);
    expect(e.recorder.lines()).toEqual(['GET /open reset', 'GET /open 200']);
  });
});
