import { describe, expect, it } from 'vitest';
import { httpConnector } from './index.js';

describe('http connector', () => {
  it('offers the request source and destination, and opens from a parsed config', async () => {
    expect(httpConnector.name).toBe('http');
    expect(httpConnector.sources?.map((s) => s.type)).toEqual(['request']);
    expect(httpConnector.destinations?.map((d) => d.type)).toEqual(['request']);
    const config = httpConnector.connection.parse({
      baseUrl: 'https://api.example.com/v1/',
      auth: { type: 'bearer', token: 'secret-token' },
      rateLimit: { perSecond: 5 },
    });
    const conn = (await httpConnector.open(config, {} as never)) as { label: string; baseUrl: string };
    expect([conn.label, conn.baseUrl]).toEqual([
      'http connection https://api.example.com/v1',
      'https://api.example.com/v1',
    ]);
    await httpConnector.close(conn);
  });
});
