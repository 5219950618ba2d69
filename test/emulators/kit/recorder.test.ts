import { afterEach, describe, expect, it } from 'vitest';
import { createEmulatorApp, type EmulatorApp } from './emulator-app.js';
import { maskSecret } from './recorder.js';

let running: EmulatorApp | undefined;
afterEach(() => running?.close());

describe('recorder', () => {
  it('records the exact calls in order over real HTTP, secrets masked by a fingerprint', async () => {
    const e = createEmulatorApp({ recorder: { headers: ['authorization', 'content-type', 'x-trace'] } });
    running = e;
    e.app.post('/oauth/token', async () => ({ access_token: 'x' }));
    e.app.put('/contacts/:id', async (_req, reply) => reply.code(201).send({}));
    e.app.get('/contacts', async () => []);
    const url = await e.listen();
    await fetch(`${url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials&client_secret=hush',
    });
    await fetch(`${url}/contacts/7`, {
      method: 'PUT',
      headers: { authorization: 'Bearer tok-1', 'content-type': 'application/json', 'x-trace': 't1' },
      body: JSON.stringify({ name: 'Ann', nested: { password: 'pw' } }),
    });
    await fetch(`${url}/contacts?limit=2&tag=a&tag=b&api_key=k123`);
    expect(e.recorder.calls).toEqual([
      {
        method: 'POST',
        path: '/oauth/token',
        query: {},
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: { grant_type: 'client_credentials', client_secret: maskSecret('hush') },
        status: 200,
      },
      {
        method: 'PUT',
        path: '/contacts/7',
        query: {},
        headers: { authorization: maskSecret('Bearer tok-1'), 'content-type': 'application/json', 'x-trace': 't1' },
        body: { name: 'Ann', nested: { password: maskSecret('pw') } },
        status: 201,
      },
      {
        method: 'GET',
        path: '/contacts',
        query: { limit: '2', tag: ['a', 'b'], api_key: maskSecret('k123') },
        headers: {},
        status: 200,
      },
    ]);
    expect(JSON.stringify(e.recorder.calls)).not.toMatch(/hush|tok-1|"pw"|k123/);
    expect(e.recorder.lines()).toEqual([
      'POST /oauth/token 200',
      'PUT /contacts/7 201',
      `GET /contacts?limit=2&tag=a&tag=b&api_key=${new URLSearchParams({ k: maskSecret('k123') }).toString().slice(2)} 200`,
    ]);
    e.recorder.clear();
    expect(e.recorder.calls).toEqual([]);
  });

  it('masks keep the scheme and tell tokens apart', () => {
    expect(maskSecret('Bearer tok-1')).toMatch(/^Bearer \[masked [0-9a-f]{6}\]$/);
    expect(maskSecret('Bearer tok-1')).not.toBe(maskSecret('Bearer tok-2'));
    expect(maskSecret('plain')).toMatch(/^\[masked [0-9a-f]{6}\]$/);
  });

  it('records nothing when turned off (benchmarks)', async () => {
    const e = createEmulatorApp({ record: false });
    e.app.get('/', async () => ({}));
    await e.app.inject({ url: '/' });
    expect(e.recorder.calls).toEqual([]);
  });
});
