import { describe, expect, it } from 'vitest';
import { createEmulatorApp } from './emulator-app.js';

describe('control routes', () => {
  it('add faults and read calls from outside the process; they are neither recorded nor faulted', async () => {
    const { app } = createEmulatorApp();
    app.get('/v1/things', async () => ({ things: [] }));
    const add = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { fault: { kind: 'status', status: 503 }, path: '/v1', skip: 1, times: null },
    });
    expect([add.statusCode, add.json()]).toEqual([201, { pending: 1 }]);
    const statuses = [];
    for (let i = 0; i < 3; i += 1) statuses.push((await app.inject({ url: '/v1/things' })).statusCode);
    expect(statuses).toEqual([200, 503, 503]); // times: null = every one from then on
    const calls = (await app.inject({ url: '/_emulator/calls' })).json().calls;
    expect(calls.map((c: { path: string; status: number }) => `${c.path} ${c.status}`)).toEqual([
      '/v1/things 200',
      '/v1/things 503',
      '/v1/things 503',
    ]);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/faults' })).statusCode).toBe(204);
    expect((await app.inject({ url: '/v1/things' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'DELETE', url: '/_emulator/calls' })).statusCode).toBe(204);
    expect((await app.inject({ url: '/_emulator/calls' })).json()).toEqual({ calls: [] });
  });

  it('refuses a fault it does not know, naming the field', async () => {
    const { app } = createEmulatorApp();
    const bad = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { fault: { kind: 'status', status: 200 } },
    });
    expect([bad.statusCode, bad.json().error]).toEqual([400, 'fault.status: Too small: expected number to be >=400']);
    const unknown = await app.inject({
      method: 'POST',
      url: '/_emulator/faults',
      payload: { fault: { kind: 'fire' } },
    });
    expect(unknown.statusCode).toBe(400);
  });
});
