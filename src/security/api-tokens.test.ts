import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openStore } from '../store/index.js';
import type { StateStore } from '../store/state-store.js';
import { ensureApiToken, hashApiToken, issueApiToken, verifyApiToken } from './api-tokens.js';

describe('API tokens', () => {
  let store: StateStore;
  beforeEach(async () => {
    store = await openStore(':memory:');
  });
  afterEach(() => store.close());

  it('creates one token on the first start only, storing its SHA-256 and never the token', async () => {
    const token = await ensureApiToken(store, new Date('2026-01-01T00:00:00Z'));
    expect(token).toMatch(/^syn_[A-Za-z0-9_-]{43}$/);
    expect(await ensureApiToken(store, new Date())).toBeUndefined();
    const rows = await store.listApiTokens();
    expect(rows).toEqual([{ name: 'default', hash: hashApiToken(token as string), createdAt: expect.any(Date) }]);
    expect(JSON.stringify(rows)).not.toContain(token);
  });

  it('accepts the token and no other; a rotated token stops working', async () => {
    const first = await issueApiToken(store, 'default', new Date());
    expect(await verifyApiToken(store, first)).toBe('default');
    expect(await verifyApiToken(store, `${first}x`)).toBeUndefined();
    expect(await verifyApiToken(store, '')).toBeUndefined();
    const second = await issueApiToken(store, 'default', new Date());
    expect(second).not.toBe(first);
    expect(await verifyApiToken(store, first)).toBeUndefined();
    expect(await verifyApiToken(store, second)).toBe('default');
  });
});
