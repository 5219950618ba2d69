import { describe, expect, it } from 'vitest';
import { combineRedactors, createRedactor, noRedaction, sensitiveForms } from './redactor.js';

const secret = 's3cr3t/K+y&z ü"q';

describe('redactor', () => {
  it('masks a secret raw, URL-encoded, form-encoded, JSON-escaped and base64-encoded', () => {
    const r = createRedactor({ secrets: [secret] });
    const texts = [
      `token ${secret} refused`,
      `GET /v1?key=${encodeURIComponent(secret)}&x=1`,
      `body: ${new URLSearchParams({ key: secret }).toString()}`,
      `GET ${encodeURI(`https://api.example.com/${secret}`)}`,
      JSON.stringify({ echoed: { headers: { 'x-api-key': secret } } }),
      `Authorization: Basic ${Buffer.from(secret).toString('base64')}`,
      `payload ${Buffer.from(secret).toString('base64url')}`,
    ];
    for (const text of texts) {
      const out = r.redact(text);
      expect(out).toContain('***');
      for (const form of sensitiveForms(secret)) expect(out).not.toContain(form);
    }
  });

  it('masks the secret inside a longer base64 text at any byte offset (Basic user:password)', () => {
    const r = createRedactor({ secrets: ['hunter22'] });
    for (const user of ['a', 'ab', 'abc']) {
      const basic = Buffer.from(`${user}:hunter22`).toString('base64');
      expect(r.redact(`Authorization: Basic ${basic}`)).toContain('***');
      const out = r.redact(basic);
      expect(Buffer.from(out, 'base64').toString()).not.toContain('hunter22');
    }
  });

  it('masks env values from 8 characters and secrets from 4; shorter ones and "" are left alone', () => {
    const r = createRedactor({ secrets: ['abc', 'wxyz', ''], env: ['5432', 'true', 'debug', 'orders-db-host'] });
    expect(r.redact('port 5432 true debug abc wxyz orders-db-host')).toBe('port 5432 true debug abc *** ***');
    expect(createRedactor({ secrets: ['', 'a'], env: ['1'] })).toBe(noRedaction);
  });

  it('masks the password of a URL value on its own, decoded and encoded', () => {
    const r = createRedactor({ env: ['postgres://app:p%40ss-word@db.internal:5432/erp'] });
    expect(r.redact('connect postgres://app:p%40ss-word@db.internal:5432/erp failed')).toBe('connect *** failed');
    expect(r.redact('password "p@ss-word" rejected')).toBe('password "***" rejected');
    expect(r.redact('password p%40ss-word rejected')).toBe('password *** rejected');
  });

  it('prefers the longest value where two overlap, and combines', () => {
    const r = createRedactor({ secrets: ['abcd', 'abcdefgh'] });
    expect(r.redact('xabcdefghx abcdx')).toBe('x***x ***x');
    const both = combineRedactors(r, createRedactor({ secrets: ['zzzz'] }));
    expect(both.redact('abcd zzzz')).toBe('*** ***');
    expect(combineRedactors(noRedaction, r)).toBe(r);
  });
});
