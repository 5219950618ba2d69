import { createServer, type Server } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { requireServer } from '../helpers/servers.js';

describe('requireServer', () => {
  let server: Server;
  let port = 0;
  const savedCi = process.env['CI'];

  beforeAll(async () => {
    server = createServer((socket) => socket.end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    port = typeof address === 'object' && address !== null ? address.port : 0;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  afterEach(() => {
    if (savedCi === undefined) delete process.env['CI'];
    else process.env['CI'] = savedCi;
    vi.restoreAllMocks();
  });

  it('returns true for a listening server', async () => {
    expect(await requireServer('Test server', '127.0.0.1', port)).toBe(true);
  });

  it('outside CI, returns false and says which server is missing', async () => {
    delete process.env['CI'];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    expect(await requireServer('PostgreSQL', '127.0.0.1', 1)).toBe(false);
    expect(warn).toHaveBeenCalledWith(expect.stringContaining('PostgreSQL at 127.0.0.1:1 not reachable'));
  });

  it('with CI=true, throws naming the server', async () => {
    process.env['CI'] = 'true';
    await expect(requireServer('PostgreSQL', '127.0.0.1', 1)).rejects.toThrow(
      'PostgreSQL at 127.0.0.1:1 not reachable',
    );
  });
});
