import { randomBytes } from 'node:crypto';
import type { AuthCheck, AuthResult } from './auth-check.js';
import { bearerToken } from './auth-check.js';
import type { EmulatorClock } from './emulator-clock.js';

/**
 * Access tokens an emulator accepts: static ones (API keys, private-app tokens) that never expire, and
 * issued ones that expire on the emulator's clock. `expireAll()` is the "token expiry mid-run" fault:
 * every issued token stops working at once, as when a vendor revokes sessions.
 */
export interface TokenStore {
  /** A token that never expires (an API key). */
  addStatic(token: string, principal: string): void;
  /** A new random token for `principal`, valid for `ttlMs` (default: the store's) from now. */
  issue(principal: string, ttlMs?: number): { token: string; expiresAt: Date; expiresInSeconds: number };
  check(token: string | undefined): AuthResult;
  /** Issued tokens stop working (static ones stay). */
  expireAll(): void;
  revoke(token: string): void;
  /** How many tokens were issued. */
  readonly issued: number;
}

export function createTokenStore(options: { clock: EmulatorClock; ttlMs: number; prefix?: string }): TokenStore {
  const statics = new Map<string, string>();
  const issued = new Map<string, { principal: string; expiresAt: number }>();
  let count = 0;
  return {
    addStatic: (token, principal) => void statics.set(token, principal),
    issue(principal, ttlMs = options.ttlMs) {
      count += 1;
      const token = `${options.prefix ?? 'tok'}-${count}-${randomBytes(12).toString('base64url')}`;
      const expiresAt = options.clock.now().getTime() + ttlMs;
      issued.set(token, { principal, expiresAt });
      return { token, expiresAt: new Date(expiresAt), expiresInSeconds: Math.round(ttlMs / 1000) };
    },
    check(token) {
      if (token === undefined || token === '') return { ok: false, reason: 'missing', message: 'no access token' };
      const principal = statics.get(token);
      if (principal !== undefined) return { ok: true, principal };
      const found = issued.get(token);
      if (!found) return { ok: false, reason: 'invalid', message: 'unknown access token' };
      if (options.clock.now().getTime() >= found.expiresAt) {
        return { ok: false, reason: 'expired', message: 'access token expired' };
      }
      return { ok: true, principal: found.principal };
    },
    expireAll() {
      for (const entry of issued.values()) entry.expiresAt = Number.NEGATIVE_INFINITY;
    },
    revoke: (token) => void issued.delete(token),
    get issued() {
      return count;
    },
  };
}

/** Checks `Authorization: Bearer <token>` against a token store. */
export function bearerCheck(tokens: TokenStore): AuthCheck {
  return (req) => tokens.check(bearerToken(req));
}
