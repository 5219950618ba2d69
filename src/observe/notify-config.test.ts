import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { notifyConfigSchema, notifyIntervalMs } from './notify-config.js';

function problems(input: unknown): string[] {
  const result = notifyConfigSchema.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('notify config', () => {
  it('reads the documented example, with defaults', () => {
    const config = notifyConfigSchema.parse({
      interval: '10m',
      email: {
        host: 'smtp.example.com',
        port: 587,
        user: 'syncline',
        password: 's3cret',
        from: 'Syncline <syncline@example.com>',
        to: ['ops@example.com', 'data@example.com'],
      },
      webhook: { url: 'https://hooks.example.com/syncline', headers: { 'X-Token': 'abc' } },
    });
    expect(config.email).toMatchObject({
      secure: false,
      timeoutMs: 30_000,
      to: ['ops@example.com', 'data@example.com'],
    });
    expect(config.webhook).toEqual({
      url: 'https://hooks.example.com/syncline',
      headers: { 'X-Token': 'abc' },
      timeoutMs: 10_000,
    });
    expect(notifyIntervalMs(config)).toBe(600_000);
  });

  it('defaults the interval to 15 minutes and takes one recipient as a string', () => {
    const config = notifyConfigSchema.parse({
      email: { host: 'localhost', from: 'a@b.c', to: 'ops@example.com' },
    });
    expect(notifyIntervalMs(config)).toBe(15 * 60_000);
    expect(config.email?.to).toEqual(['ops@example.com']);
  });

  it('needs at least one channel', () => {
    expect(problems({ interval: '5m' })).toEqual([
      ': notify needs at least one channel: add email: { host, from, to } or webhook: { url } (or remove notify)',
    ]);
  });

  it.each([
    [
      { webhook: { url: 'ftp://x.example.com' } },
      'webhook.url: an http(s) URL like https://hooks.example.com/syncline',
    ],
    [{ webhook: { url: 'not a url' } }, 'webhook.url: an http(s) URL like https://hooks.example.com/syncline'],
    [
      { webhook: { url: 'https://h.example.com', headers: { 'X Token': 'a' } } },
      `webhook.headers.X Token: "X Token" is not a header name: use letters, digits and - (e.g. X-Token), no spaces or ':'`,
    ],
    [{ webhook: { url: 'https://h.example.com', timeout: 5 } }, 'webhook: Unrecognized key: "timeout"'],
    [{ interval: '500ms', webhook: { url: 'https://h.example.com' } }, 'interval: at least 1s, e.g. 15m'],
    [
      { interval: 'soon', webhook: { url: 'https://h.example.com' } },
      'interval: a duration like 30s, 10m, 1h or a number of ms',
    ],
    [{ email: { host: 'h', from: 'a@b.c', to: [], user: 'u', password: 'p' } }, 'email.to: at least one recipient'],
    [
      { email: { host: 'h', from: 'syncline', to: 'ops@example.com' } },
      'email.from: an email address like ops@example.com (or "Syncline <ops@example.com>")',
    ],
    [
      { email: { host: 'h', from: 'a@b.c', to: 'ops@example.com', user: 'u' } },
      'email.password: user is set but password is missing: add both',
    ],
    [
      { email: { host: 'h', from: 'a@b.c', to: 'ops@example.com', password: 'p' } },
      'email.user: password is set but user is missing: add both',
    ],
    [
      { email: { host: 'h', from: 'a@b.c', to: 'o@e.com', port: 70000 } },
      'email.port: Too big: expected number to be <=65535',
    ],
    [{ webhook: { url: 'https://h.example.com' }, slack: {} }, ': Unrecognized key: "slack"'],
  ])('rejects %j with a clear message', (input, message) => {
    expect(problems(input)).toContain(message);
  });

  it('converts to a JSON Schema with descriptions (for `syncline schema`)', () => {
    const json = z.toJSONSchema(notifyConfigSchema, { io: 'input', unrepresentable: 'any' }) as {
      description?: string;
      properties: Record<string, { description?: string }>;
    };
    expect(json.description).toMatch(/at most one message per flow/);
    expect(Object.keys(json.properties)).toEqual(['interval', 'on', 'email', 'webhook']);
    expect(json.properties['email']?.description).toMatch(/SMTP/);
  });
});
