import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/sdk/clock.js';
import { createTokenStore } from './token-store.js';

describe('token store', () => {
  it('static tokens never expire; issued ones expire on the clock', () => {
    const clock = new ManualClock(Date.UTC(2026, 0, 1));
    const tokens = createTokenStore({ clock, ttlMs: 3_600_000, prefix: 'at' });
    tokens.addStatic('key-1', 'ann');
    const issued = tokens.issue('app');
    expect(issued.token).toMatch(/^at-1-/);
    expect(issued.expiresInSeconds).toBe(3600);
    expect(issued.expiresAt).toEqual(new Date('2026-01-01T01:00:00Z'));
    expect(tokens.check(issued.token)).toEqual({ ok: true, principal: 'app' });
    clock.advance(3_599_999);
    expect(tokens.check(issued.token).ok).toBe(true);
    clock.advance(1);
    expect(tokens.check(issued.token)).toEqual({ ok: false, reason: 'expired', message: 'access token expired' });
    expect(tokens.check('key-1')).toEqual({ ok: true, principal: 'ann' });
    expect(tokens.check('nope')).toMatchObject({ ok: false, reason: 'invalid' });
    expect(tokens.check(undefined)).toMatchObject({ ok: false, reason: 'missing' });
    expect(tokens.issued).toBe(1);
  });

  it('expireAll ends every issued token at once (token expiry mid-run); revoke ends one', () => {
    const clock = new ManualClock();
    const tokens = createTokenStore({ clock, ttlMs: 60_000 });
    tokens.addStatic('key', 'k');
    const a = tokens.issue('a');
    const b = tokens.issue('b', 120_000);
    tokens.revoke(a.token);
    expect(tokens.check(a.token).ok).toBe(false);
    expect(tokens.check(b.token).ok).toBe(true);
    tokens.expireAll();
    expect(tokens.check(b.token)).toMatchObject({ reason: 'expired' });
    expect(tokens.check('key').ok).toBe(true);
  });
});
